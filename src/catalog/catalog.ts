/**
 * The model catalog: aliases such as `flux-dev`, each served by an ordered or weighted list of
 * provider targets, with fallback chains between aliases.
 */
import { ConfigError, parseSettings } from "../core/env-config.ts";
import type { RouteTarget } from "../core/route.ts";
import { BUILTIN_MODELS } from "./builtin-models.ts";
import {
  type AliasConfig,
  aliasSchema,
  modelsSchema,
  type RoutingConfig,
  routingSchema,
  type TargetConfig,
} from "./catalog-config.ts";
import { Pricing, pricingSchema } from "./pricing.ts";
import { WeightedRoundRobin } from "./weighted-round-robin.ts";

/** The owner under which aliases appear in the Replicate-shaped API: `gengate/<alias>`. */
export const ALIAS_OWNER = "gengate";

export interface CatalogEntry extends AliasConfig {
  name: string;
  builtin: boolean;
}

export interface CatalogSources {
  models: unknown;
  routing: unknown;
  pricing?: unknown;
  /** The configuration file, for error messages. */
  file: string;
  knownProviders: readonly string[];
}

export class Catalog {
  readonly routing: RoutingConfig;
  readonly pricing: Pricing;
  readonly #entries: Map<string, CatalogEntry>;
  readonly #balancers = new Map<string, WeightedRoundRobin>();

  constructor(entries: CatalogEntry[], routing: RoutingConfig, pricing = new Pricing()) {
    this.#entries = new Map(entries.map((entry) => [entry.name, entry]));
    this.routing = routing;
    this.pricing = pricing;
  }

  list(): CatalogEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every alias's targets, each under the key its circuit breaker is kept by. */
  routeTargets(): RouteTarget[] {
    return this.list().flatMap((entry) =>
      entry.targets.map((target, index) => toRouteTarget(entry, target, index)),
    );
  }

  get(alias: string): CatalogEntry | undefined {
    return this.#entries.get(alias);
  }

  /**
   * The targets to try for a request, in order: the alias's own (the weighted choice first for
   * loadbalance, by weighted round-robin; those whose condition the request meets for
   * conditional), then its fallback chain. A target an earlier alias of the chain already has is
   * not tried again, and a request's LoRAs stay with the base model of the first target that
   * takes LoRAs.
   */
  candidates(alias: string, input: Record<string, unknown>): RouteTarget[] {
    const targets: RouteTarget[] = [];
    const seen = new Set<string>();
    for (let entry = this.#entries.get(alias); entry; entry = this.#fallbackOf(entry)) {
      const configs = entry.targets;
      let order = configs.map((_, index) => index);
      if (entry.strategy === "conditional") order = order.filter((index) => meets(configs[index], input));
      if (entry.strategy === "loadbalance") {
        const chosen = this.#balancerOf(entry).next();
        order = [chosen, ...order.filter((index) => index !== chosen)];
      }
      const identities = order.map((index) => identityOf(configs[index] as TargetConfig));
      order.forEach((index, at) => {
        if (!seen.has(identities[at] ?? ""))
          targets.push(toRouteTarget(entry, configs[index] as TargetConfig, index));
      });
      for (const identity of identities) seen.add(identity);
    }
    return withLorasOfOneBase(targets, input);
  }

  #balancerOf(entry: CatalogEntry): WeightedRoundRobin {
    let balancer = this.#balancers.get(entry.name);
    if (!balancer) {
      balancer = new WeightedRoundRobin(entry.targets.map((target) => target.weight));
      this.#balancers.set(entry.name, balancer);
    }
    return balancer;
  }

  #fallbackOf(entry: CatalogEntry): CatalogEntry | undefined {
    return entry.fallback === undefined ? undefined : this.#entries.get(entry.fallback);
  }
}

function toRouteTarget(entry: CatalogEntry, target: TargetConfig, index: number): RouteTarget {
  const { provider, model, capabilities, params, input, retries } = target;
  const key = `${entry.name}#${index}`;
  return { key, provider, model, capabilities, params, input, retries, onUnsupported: entry.onUnsupported };
}

/** Two aliases' targets are the same when they send the same model the same input. */
const identityOf = ({ provider, model, params, input }: TargetConfig) =>
  JSON.stringify([provider, model, params, input]);

function withLorasOfOneBase(targets: RouteTarget[], input: Record<string, unknown>): RouteTarget[] {
  if (input.loras === undefined || input.loras === null) return targets;
  const base = targets.find((target) => target.capabilities.loras)?.capabilities.loraBase;
  if (base === undefined) return targets;
  const otherBase = ({ capabilities }: RouteTarget) =>
    capabilities.loras === true && capabilities.loraBase !== undefined && capabilities.loraBase !== base;
  return targets.filter((target) => !otherBase(target));
}

function meets(target: TargetConfig | undefined, input: Record<string, unknown>): boolean {
  const when = target?.when;
  if (!when) return true;
  const value = input[when.field];
  if (when.present !== undefined && (value !== undefined) !== when.present) return false;
  return when.equals === undefined || JSON.stringify(value) === JSON.stringify(when.equals);
}

/** The built-in aliases plus the configuration file's; a mistake names the file, the path and the fix. */
export function loadCatalog({ models, routing, pricing, file, knownProviders }: CatalogSources): Catalog {
  const builtin = Object.entries(BUILTIN_MODELS).map(([name, alias]) => ({
    ...aliasSchema.parse(alias),
    name,
    builtin: true,
  }));
  const configured = Object.entries(parseSettings(modelsSchema, models ?? {}, file, "models")).map(
    ([name, alias]) => ({ ...alias, name, builtin: false }),
  );
  const entries = new Map<string, CatalogEntry>([...builtin, ...configured].map((e) => [e.name, e]));
  for (const entry of configured) {
    entry.targets.forEach((target, index) => {
      if (!knownProviders.includes(target.provider)) {
        throw new ConfigError(
          `${file}: models.${entry.name}.targets.${index}.provider: unknown provider "${target.provider}"; use one of ${knownProviders.join(", ")}`,
        );
      }
    });
    checkChain(entry, entries, file);
  }
  const settings = parseSettings(routingSchema, routing ?? {}, file, "routing");
  const prices = parseSettings(pricingSchema, pricing ?? {}, file, "pricing");
  const unknownProvider = (section: string, ids: string[]) => {
    const unknown = ids.find((id) => !knownProviders.includes(id));
    if (unknown === undefined) return;
    throw new ConfigError(
      `${file}: ${section}.${unknown}: unknown provider; use one of ${knownProviders.join(", ")}`,
    );
  };
  unknownProvider("routing.providers", Object.keys(settings.providers));
  unknownProvider("pricing", Object.keys(prices));
  return new Catalog([...entries.values()], settings, new Pricing(prices));
}

function checkChain(start: CatalogEntry, entries: Map<string, CatalogEntry>, file: string): void {
  const seen = [start.name];
  for (let entry = start; entry.fallback !== undefined; ) {
    const next = entries.get(entry.fallback);
    const at = `${file}: models.${entry.name}.fallback`;
    if (!next) throw new ConfigError(`${at}: no alias "${entry.fallback}"; name an alias of the catalog`);
    if (seen.includes(next.name)) {
      const cycle = [...seen, next.name].join(" → ");
      throw new ConfigError(`${at}: the fallback chain ${cycle} is a cycle; remove one of these fallbacks`);
    }
    seen.push(next.name);
    entry = next;
  }
}
