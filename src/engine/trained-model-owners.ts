/**
 * A trained model belongs to the token that made it (POST /v1/models), or trained it (its LoRA's,
 * or the one whose trainings made its versions): another token, unless an admin's, neither reads it nor trains into it.
 */
import type { Store } from "../store/index.ts";

export interface ModelCaller {
  tokenId: string | null;
  isAdmin: boolean;
}

/** Whether `destination` (`owner/name`) is a model some other token trained. */
export async function isOthersModel(
  store: Store,
  destination: string,
  caller: ModelCaller,
): Promise<boolean> {
  if (caller.isAdmin) return false;
  const created = await store.createdModels.get(destination);
  if (created) return created.tokenId !== caller.tokenId;
  const lora = await store.loras.findByDestination(destination);
  if (lora) return lora.tokenId !== caller.tokenId;
  const trainers = await store.predictions.trainersOf(destination);
  return trainers.length > 0 && !trainers.includes(caller.tokenId);
}
