import { Types } from 'mongoose';
import { toCommentResponse } from 'src/modules/comments/comments.mapper';

describe('toCommentResponse', () => {
  const sut = toCommentResponse;
  const owner = {
    _id: new Types.ObjectId().toHexString(),
    username: 'ana',
    name: 'Ana',
    profileImage: 'https://img.test/a.png',
  };
  const at = new Date('2026-03-04T05:06:07.089Z');

  it('puts `video` on video comments only, with string ids and ISO dates in the documented order', () => {
    const video = new Types.ObjectId();
    const id = new Types.ObjectId();
    const result = sut(
      {
        _id: id,
        content: 'hi',
        video,
        owner: new Types.ObjectId(owner._id),
        createdAt: at,
        updatedAt: at,
      },
      owner,
      { likesCount: 2, isLiked: true },
    );
    expect(result).toEqual({
      _id: id.toHexString(),
      content: 'hi',
      video: video.toHexString(),
      owner,
      likesCount: 2,
      isLiked: true,
      createdAt: '2026-03-04T05:06:07.089Z',
      updatedAt: '2026-03-04T05:06:07.089Z',
      parentId: null,
      replyCount: 0,
    });
    expect(Object.keys(result)).toEqual([
      '_id',
      'content',
      'video',
      'owner',
      'likesCount',
      'isLiked',
      'createdAt',
      'updatedAt',
      'parentId',
      'replyCount',
    ]);
  });

  it('gives a reply its thread and the user it answers instead of a reply count', () => {
    const parent = new Types.ObjectId();
    const replyTo = new Types.ObjectId();
    const base = {
      _id: new Types.ObjectId(),
      content: 'yes',
      video: new Types.ObjectId(),
      owner: new Types.ObjectId(owner._id),
      parent,
      replyCount: 5,
      createdAt: at,
      updatedAt: at,
    };
    const answering = sut({ ...base, replyTo }, owner, { likesCount: 0, isLiked: false });
    expect(answering).toMatchObject({
      parentId: parent.toHexString(),
      replyTo: replyTo.toHexString(),
    });
    expect(answering).not.toHaveProperty('replyCount');
    expect(sut(base, owner, { likesCount: 0, isLiked: false }).replyTo).toBeNull();
  });

  it('puts `communityPost` on post comments only and copies no other owner field', () => {
    const post = new Types.ObjectId();
    const result = sut(
      {
        _id: new Types.ObjectId(),
        content: 'yo',
        communityPost: post,
        owner: new Types.ObjectId(owner._id),
        createdAt: at,
        updatedAt: at,
      },
      { ...owner, email: 'secret@example.test' } as typeof owner,
      { likesCount: 0, isLiked: false },
    );
    expect(result.communityPost).toBe(post.toHexString());
    expect(result).not.toHaveProperty('video');
    expect(Object.keys(result.owner)).toEqual(['_id', 'username', 'name', 'profileImage']);
  });
});
