export { Optimizer, type ParamGroup, type OptimizerOptions } from './optimizer.js';
export { SGD } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { constantSchedule, stepSchedule, multiStepSchedule, type Schedule } from './schedule.js';
