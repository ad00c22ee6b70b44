// functions/figures: what the deployment's environment says this function is built from
// (infra/constructs/figures.ts sets it): the Records and Figures tables.
import { figuresStoreFrom, type Environment } from '../../shared/wiring/environment.js';
import type { FiguresHandlerDeps } from './handler.js';

/** The figures handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function figuresDependencies(env: Environment): FiguresHandlerDeps {
  return { store: figuresStoreFrom(env) };
}
