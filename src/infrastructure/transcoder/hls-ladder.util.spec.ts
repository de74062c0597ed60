import {
  displaySize,
  hlsArguments,
  lastOutTimeSeconds,
  planRenditions,
  progressPercent,
} from 'src/infrastructure/transcoder/hls-ladder.util';

describe('planRenditions', () => {
  const names = (width: number, height: number): string[] =>
    planRenditions({ width, height }).map((rendition) => rendition.name);

  it('uses every rung the short side reaches, never upscaling', () => {
    expect(names(1920, 1080)).toEqual(['360p', '720p']);
    expect(names(1280, 720)).toEqual(['360p', '720p']);
    expect(names(854, 480)).toEqual(['360p']);
    expect(names(640, 360)).toEqual(['360p']);
  });

  it('measures portrait sources by their short side', () => {
    expect(names(1080, 1920)).toEqual(['360p', '720p']);
    expect(names(480, 854)).toEqual(['360p']);
  });

  it('keeps a source below 360p at its own (even) size, as one rendition', () => {
    expect(planRenditions({ width: 320, height: 240 })).toEqual([
      { name: '240p', shortSide: 240, videoKbps: 500 },
    ]);
    expect(names(427, 241)).toEqual(['240p']);
  });
});

describe('hlsArguments', () => {
  const sut = hlsArguments;
  const renditions = planRenditions({ width: 1280, height: 720 });
  const after = (args: string[], flag: string): string => args[args.indexOf(flag) + 1];

  it('maps one video (and audio) stream per rendition into a master playlist', () => {
    const args = sut('/in.mp4', '/out', { width: 1280, height: 720, hasAudio: true }, renditions);
    expect(after(args, '-filter_complex')).toBe(
      '[0:v:0]split=2[v0][v1];[v0]scale=-2:360,format=yuv420p[v0o];[v1]scale=-2:720,format=yuv420p[v1o]',
    );
    expect(after(args, '-var_stream_map')).toBe('v:0,a:0,name:360p v:1,a:1,name:720p');
    expect(args.filter((arg) => arg === '0:a:0')).toHaveLength(2);
    expect(after(args, '-hls_time')).toBe('4');
    expect(after(args, '-hls_playlist_type')).toBe('vod');
    expect(after(args, '-master_pl_name')).toBe('master.m3u8');
    expect(after(args, '-progress')).toBe('pipe:1');
    expect(after(args, '-b:v:1')).toBe('2800k');
    expect(args.at(-1)).toBe('/out/%v.m3u8');
  });

  it('leaves audio out for a silent source, and scales portrait sources by width', () => {
    const args = sut('/in.mp4', '/out', { width: 720, height: 1280, hasAudio: false }, renditions);
    expect(after(args, '-var_stream_map')).toBe('v:0,name:360p v:1,name:720p');
    expect(args).not.toContain('0:a:0');
    expect(args).not.toContain('aac');
    expect(after(args, '-filter_complex')).toContain('[v0]scale=360:-2');
  });
});

describe('progress', () => {
  it('reads the last out_time_us of a chunk of -progress output', () => {
    expect(
      lastOutTimeSeconds('frame=10\nout_time_us=1500000\nout_time_us=2500000\nprogress=continue\n'),
    ).toBe(2.5);
    expect(lastOutTimeSeconds('out_time_us=N/A\nprogress=continue\n')).toBeNull();
  });

  it('is a percentage of the duration, below 100 until ready', () => {
    expect(progressPercent(5, 10)).toBe(50);
    expect(progressPercent(12, 10)).toBe(99);
    expect(progressPercent(-1, 10)).toBe(0);
    expect(progressPercent(3, 0)).toBe(0);
  });
});

describe('displaySize', () => {
  it('swaps width and height for a quarter turn', () => {
    expect(displaySize(1920, 1080, -90)).toEqual({ width: 1080, height: 1920 });
    expect(displaySize(1920, 1080, 90)).toEqual({ width: 1080, height: 1920 });
    expect(displaySize(1920, 1080, 180)).toEqual({ width: 1920, height: 1080 });
    expect(displaySize(1920, 1080, null)).toEqual({ width: 1920, height: 1080 });
  });
});
