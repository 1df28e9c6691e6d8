export { startSimulator, DEFAULT_SIM_CARRIERS, type SimulatorOptions } from './simulator.js';
export type { SimBehaviours, SimCarrierOptions, SimCarrierStats, SimSubmit, Simulator } from './types.js';
