import {
  BadRequestException,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Logger,
  Module,
  Post,
  Body,
  UseGuards,
  VersioningType,
  ValidationPipe,
  DynamicModule,
  CallHandler,
  NestInterceptor,
  Catch,
  ArgumentsHost,
  ExceptionFilter,
  HttpException,
  Query,
  PipeTransform,
  UseInterceptors,
  MiddlewareConsumer,
  NestModule,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { IsString, MinLength } from 'class-validator';
import { map } from 'rxjs';
import { ActiveTrackerModule, ActiveTrackerModuleOptions, tagCurrent, redactCurrent } from '@active-tracker/nestjs';

class LoginDto {
  @IsString() user!: string;
  @IsString() @MinLength(3) password!: string;
}

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

class ScenarioError extends Error {}

/** Failures raised by each stage of the Nest pipeline (not HttpExceptions, so they are 500s). */
class GuardFailure extends Error {}
class PipeFailure extends Error {}
class InterceptorFailure extends Error {}
class MiddlewareFailure extends Error {}

@Injectable()
class ExplodingGuard implements CanActivate {
  canActivate(): boolean {
    throw new GuardFailure('guard exploded');
  }
}

@Injectable()
class ExplodingPipe implements PipeTransform {
  transform(): unknown {
    throw new PipeFailure('pipe exploded');
  }
}

@Injectable()
class ExplodingInterceptor implements NestInterceptor {
  intercept(): never {
    throw new InterceptorFailure('interceptor exploded');
  }
}

function explodingMiddleware(req: any, _res: unknown, next: (e?: unknown) => void) {
  if (String(req.originalUrl).startsWith('/things/stage/middleware')) throw new MiddlewareFailure('middleware exploded');
  next();
}

@Controller('things')
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get()
  list(@Query('q') q?: string) {
    this.logger.log(`listing things q=${q ?? ''}`);
    tagCurrent({ user_name: 'Test McPerson', user_email: 'test@example.com', plan: 'pro' });
    return [{ id: 1, name: 'one' }];
  }

  @Post('login')
  login(@Body() dto: LoginDto) {
    redactCurrent(dto.password);
    this.logger.log(`login ${dto.user} with ${dto.password}`);
    return { ok: true, echoed: dto.password, token: 'abc.def' };
  }

  @Get('boom')
  boom() {
    throw new ScenarioError('scenario exploded');
  }

  @Get('bad')
  bad() {
    throw new BadRequestException('nope');
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }

  @Get('stage/guard')
  @UseGuards(ExplodingGuard)
  stageGuard() {
    return 'never';
  }

  @Get('stage/pipe')
  stagePipe(@Query('x', ExplodingPipe) x: string) {
    return x;
  }

  @Get('stage/interceptor')
  @UseInterceptors(ExplodingInterceptor)
  stageInterceptor() {
    return 'never';
  }

  @Get('stage/middleware')
  stageMiddleware() {
    return 'never';
  }

  @Get('guarded')
  @UseGuards(DenyGuard)
  guarded() {
    return 'never';
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler) {
    return next.handle().pipe(map((data) => ({ wrapped: data })));
  }
}

@Catch()
class HostFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    res.status(status).json({ hostFilter: true, status });
  }
}

export interface ScenarioOptions {
  tracker?: ActiveTrackerModuleOptions | false;
  /** Use forRootAsync with this factory instead of forRoot. */
  trackerAsync?: () => Promise<ActiveTrackerModuleOptions>;
  globalPrefix?: string;
  versioning?: boolean;
  hostPipeline?: boolean;
  hostFilter?: boolean;
}

/** A small host app exercising the tracker under the host setups the issue lists. */
export async function createScenarioApp(opts: ScenarioOptions = {}): Promise<INestApplication> {
  const imports: DynamicModule[] =
    opts.tracker === false
      ? []
      : opts.trackerAsync
        ? [ActiveTrackerModule.forRootAsync({ useFactory: opts.trackerAsync })]
        : [ActiveTrackerModule.forRoot(opts.tracker ?? {})];
  @Module({
    imports,
    controllers: [ThingsController],
    providers: opts.hostPipeline ? [{ provide: APP_INTERCEPTOR, useClass: WrapInterceptor }] : [],
  })
  class ScenarioModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(explodingMiddleware).forRoutes(ThingsController);
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [ScenarioModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (opts.globalPrefix) app.setGlobalPrefix(opts.globalPrefix);
  if (opts.versioning) app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  if (opts.hostPipeline) app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (opts.hostFilter) app.useGlobalFilters(new HostFilter());
  await app.init();
  return app;
}

export { ScenarioError };
