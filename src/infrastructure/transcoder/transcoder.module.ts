import { Module } from '@nestjs/common';
import { Transcoder } from 'src/infrastructure/transcoder/transcoder.service';

/** The system ffmpeg/ffprobe adapter; looked for once at boot (one instance however many import it). */
@Module({
  providers: [Transcoder],
  exports: [Transcoder],
})
export class TranscoderModule {}
