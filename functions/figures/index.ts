// functions/figures: the Lambda's entry (its composition root): the handler built once per
// process from the deployment's environment.
import { figuresDependencies } from './environment.js';
import { createFiguresHandler } from './handler.js';

export const handler = createFiguresHandler(figuresDependencies(process.env));
