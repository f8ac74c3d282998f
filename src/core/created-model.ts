/** A model made through `POST /v1/models`, at a provider or kept by gengate alone. */
export interface CreatedModel {
  owner: string;
  name: string;
  /** The token that made it: only it (or an admin) trains into it and reads it. */
  tokenId: string | null;
  /** The provider whose trainings push versions to it. */
  provider: string;
  /** Made at the provider too (Replicate), not only in gengate. */
  upstream: boolean;
  visibility: "public" | "private";
  hardware: string;
  description: string | null;
  links: CreatedModelLinks;
  createdAt: number;
}

export interface CreatedModelLinks {
  github_url: string | null;
  paper_url: string | null;
  license_url: string | null;
  cover_image_url: string | null;
}
