import { ARCHITECTURES } from '../architectures/index.js';
import type { Scenario } from '../scenario/types.js';
import { storeVariantLabel, withVariant } from '../stores/store-options.js';

/** One way an architecture runs in a scenario: the scenario it runs with, and how its result is labelled. */
export interface ArchitectureVariant {
  scenario: Scenario;
  /** Appended to the architecture's label: `+readFrom=replica`; empty when nothing is compared. */
  suffix: string;
}

/**
 * The runs one architecture makes of a scenario comparing a store setting
 * (`store.readFrom: [primary, replica]`): one per value when its store honours the setting
 * (`rolling` applies wherever sessions expire: everywhere), else one as it is.
 */
export function architectureVariants(scenario: Scenario, architecture: string): ArchitectureVariant[] {
  const variants = scenario.storeVariants;
  const store = ARCHITECTURES.get(architecture)?.store;
  const honours = variants !== undefined && (variants.setting === 'rolling' || store?.settings.includes(variants.setting) === true);
  // (A store that cannot take a value was refused before the run: StoreBackend.checkOptions.)
  if (variants === undefined || !honours) return [{ scenario, suffix: '' }];
  return variants.values.map((value) => ({
    scenario: { ...scenario, store: withVariant(scenario.store, variants.setting, value) },
    suffix: storeVariantLabel('', variants.setting, value),
  }));
}
