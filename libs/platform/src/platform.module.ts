import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from './time/clock';

@Global()
@Module({})
export class PlatformModule {
  /** `clock` replaces the wall clock (tests pass a FixedClock). */
  static forRoot(options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: PlatformModule,
      providers: [options.clock ? { provide: Clock, useValue: options.clock } : Clock],
      exports: [Clock],
    };
  }
}
