/**
 * A provider that is a model platform (Replicate) answers its platform's own endpoints for
 * gengate to pass through: the account, models made there, model search, deployments, collections
 * and hardware. Bodies are the platform's JSON, in Replicate's shapes (reference/replicate.md §2).
 */
export interface PlatformAccount {
  type: "user" | "organization";
  username: string;
  name?: string;
  github_url?: string;
}

/** A page of a list: `cursor` is the platform's own, to ask for the next or previous page. */
export interface PlatformPage {
  results: unknown[];
  nextCursor: string | null;
  previousCursor: string | null;
}

export interface NewPlatformModel {
  owner: string;
  name: string;
  visibility: "public" | "private";
  hardware: string;
  description?: string;
  github_url?: string;
  paper_url?: string;
  license_url?: string;
  cover_image_url?: string;
}

export interface ProviderPlatform {
  /** The account of gengate's credentials (asked once, then remembered). */
  account(): Promise<PlatformAccount>;
  /** The model JSON; a GatewayError `conflict` when the name is taken. */
  createModel(model: NewPlatformModel): Promise<unknown>;
  /** The model JSON, or null when there is none of that name. */
  getModel(owner: string, name: string): Promise<unknown | null>;
  /** Public models matching `query`. */
  searchModels(query: string): Promise<unknown[]>;
  deployments(cursor: string | undefined): Promise<PlatformPage>;
  deployment(owner: string, name: string): Promise<unknown>;
  collections(cursor: string | undefined): Promise<PlatformPage>;
  collection(slug: string): Promise<unknown>;
  /** `[{ name, sku }]`. */
  hardware(): Promise<unknown[]>;
}
