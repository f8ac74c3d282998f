/** The gallery's endpoints (outputs and favourites) and schemas of the OpenAPI document. */
import { errors, idParam, json, ref } from "./openapi-helpers.ts";

const queryParam = (name: string, description: string) => ({
  name,
  in: "query",
  description,
  schema: { type: "string" },
});
const favoriteParams = [
  idParam("id"),
  { name: "index", in: "path", required: true, schema: { type: "integer", minimum: 0 } },
];

export const galleryPaths = {
  "/v1/outputs": {
    get: {
      operationId: "listOutputs",
      summary: "Every stored output of succeeded predictions (an admin's: everyone's), newest first",
      parameters: [
        queryParam("cursor", "From a previous page's `next`"),
        queryParam("q", "Only predictions whose input's text holds this (any case)"),
        queryParam("model", "Only predictions of this model"),
        { ...queryParam("favorite", "`true`: only the caller's favourites"), schema: { enum: ["true"] } },
      ],
      responses: {
        "200": {
          description: "A page: the outputs of up to 40 predictions",
          content: json({
            type: "object",
            properties: {
              next: { type: ["string", "null"] },
              previous: { type: ["string", "null"] },
              results: { type: "array", items: ref("Output") },
            },
          }),
        },
        ...errors,
      },
    },
  },
  "/v1/favorites/{id}/{index}": {
    put: {
      operationId: "addFavorite",
      summary: "Mark output `index` of prediction `id` as one of the caller's favourites",
      parameters: favoriteParams,
      responses: { "204": { description: "Marked (marking twice is the same as once)" }, ...errors },
    },
    delete: {
      operationId: "removeFavorite",
      summary: "Unmark it",
      parameters: favoriteParams,
      responses: { "204": { description: "Unmarked" }, ...errors },
    },
  },
};

export const gallerySchemas = {
  Output: {
    type: "object",
    properties: {
      prediction_id: { type: "string" },
      index: { type: "integer", description: "The output's place among the prediction's files" },
      url: { type: "string", format: "uri" },
      model: { type: "string" },
      prompt: { type: ["string", "null"] },
      created_at: { type: "string", format: "date-time" },
      favorite: { type: "boolean", description: "Marked by the caller" },
      urls: { type: "object", additionalProperties: { type: "string", format: "uri" } },
    },
  },
};
