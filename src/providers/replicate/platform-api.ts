/**
 * Replicate's platform endpoints that gengate passes through (reference/replicate.md §2, §2.5):
 * the account, models made for trainings, search, deployments, collections and hardware.
 */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { NewPlatformModel, PlatformAccount, PlatformPage, ProviderPlatform } from "../platform.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { parseBody } from "./schemas.ts";

/** Replicate's search answers at most 50 models (GET /search `limit`). */
const SEARCH_LIMIT = 50;

const accountSchema = z.looseObject({
  type: z.enum(["user", "organization"]),
  username: z.string().min(1),
  name: z.string().optional(),
  github_url: z.string().optional(),
});
const objectSchema = z.looseObject({});
const pageSchema = z.looseObject({
  results: z.array(z.unknown()),
  next: z.string().nullish(),
  previous: z.string().nullish(),
});
const searchSchema = z.looseObject({ models: z.array(z.looseObject({ model: z.unknown() })) });
const hardwareSchema = z.array(z.looseObject({ name: z.string(), sku: z.string() }));

const segment = (value: string) => encodeURIComponent(value);

/** The cursor of a page link (Replicate's links are absolute URLs on its API). */
function cursorOf(link: string | null | undefined): string | null {
  if (!link) return null;
  return new URL(link).searchParams.get("cursor");
}

export function createPlatformApi(http: ReplicateHttp): ProviderPlatform {
  let account: Promise<PlatformAccount> | undefined;

  const getJson = async <T extends z.ZodType>(path: string, schema: T, what: string, operation: string) =>
    parseBody(schema, (await http.request(path, { what })).body, operation);

  const page = async (path: string, cursor: string | undefined, what: string, operation: string) => {
    const query = cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const body = await getJson(`${path}${query}`, pageSchema, what, operation);
    return {
      results: body.results,
      nextCursor: cursorOf(body.next),
      previousCursor: cursorOf(body.previous),
    } satisfies PlatformPage;
  };

  return {
    account() {
      if (!account) {
        account = getJson("/account", accountSchema, "looking up the account", "account.get");
        account.catch(() => {
          account = undefined;
        });
      }
      return account;
    },

    async createModel(model: NewPlatformModel) {
      const { body } = await http.request("/models", {
        method: "POST",
        json: model,
        what: `creating model ${model.owner}/${model.name}`,
      });
      return parseBody(objectSchema, body, "models.create");
    },

    async getModel(owner, name) {
      try {
        const path = `/models/${segment(owner)}/${segment(name)}`;
        return await getJson(path, objectSchema, `looking up model ${owner}/${name}`, "models.get");
      } catch (error) {
        if (error instanceof GatewayError && error.code === "not_found") return null;
        throw error;
      }
    },

    async searchModels(query) {
      const path = `/search?query=${encodeURIComponent(query)}&limit=${SEARCH_LIMIT}`;
      const body = await getJson(path, searchSchema, "searching models", "search");
      return body.models.map(({ model }) => model);
    },

    deployments(cursor) {
      return page("/deployments", cursor, "listing deployments", "deployments.list");
    },

    deployment(owner, name) {
      const path = `/deployments/${segment(owner)}/${segment(name)}`;
      return getJson(path, objectSchema, `looking up deployment ${owner}/${name}`, "deployments.get");
    },

    collections(cursor) {
      return page("/collections", cursor, "listing collections", "collections.list");
    },

    collection(slug) {
      return getJson(
        `/collections/${segment(slug)}`,
        objectSchema,
        `looking up collection ${slug}`,
        "collections.get",
      );
    },

    hardware() {
      return getJson("/hardware", hardwareSchema, "listing hardware", "hardware.list");
    },
  };
}
