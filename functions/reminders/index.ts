// functions/reminders: the Lambda's entry (its composition root): the handler built once
// per process from the deployment's environment.
import { remindersDependencies } from './environment.js';
import { createRemindersHandler } from './handler.js';

export const handler = createRemindersHandler(remindersDependencies(process.env));
