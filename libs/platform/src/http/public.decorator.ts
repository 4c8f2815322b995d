import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'ballast:isPublic';
/** Marks a route as reachable without a bearer token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
