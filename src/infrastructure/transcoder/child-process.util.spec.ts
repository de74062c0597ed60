import { prioritised } from 'src/infrastructure/transcoder/child-process.util';

describe('prioritised', () => {
  it('runs the binary as it is without a priority', () => {
    expect(prioritised('ffmpeg', ['-i', 'in.mp4'], {})).toEqual(['ffmpeg', '-i', 'in.mp4']);
  });

  it('wraps it in nice for a positive niceness', () => {
    expect(prioritised('ffmpeg', ['-i', 'in.mp4'], { niceness: 10 })).toEqual([
      'nice',
      '-n',
      '10',
      'ffmpeg',
      '-i',
      'in.mp4',
    ]);
  });

  it('puts chrt --idle outside nice for the idle class', () => {
    expect(prioritised('/usr/bin/ffmpeg', ['-y'], { niceness: 5, idleClass: true })).toEqual([
      'chrt',
      '--idle',
      '0',
      'nice',
      '-n',
      '5',
      '/usr/bin/ffmpeg',
      '-y',
    ]);
    expect(prioritised('ffmpeg', [], { idleClass: true })).toEqual([
      'chrt',
      '--idle',
      '0',
      'ffmpeg',
    ]);
  });
});
