/** One task queue serves every workflow of the back-office; workers can be scaled out on it. */
export const TASK_QUEUE = 'coo-backoffice';
