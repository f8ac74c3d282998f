/** A shape compiled once runs with each call's own values; a shape whose values are mislisted is built each time. */
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { CompiledShapes } from "./compiled-shapes.ts";

describeEachBackend("CompiledShapes", (open) => {
  const nameOf = (
    db: Awaited<ReturnType<typeof open>>["db"],
    shapes: CompiledShapes,
    key: string,
    listed: unknown[],
  ) =>
    shapes.run(db, "settings by key", listed, () =>
      db.selectFrom("settings").select("value").where("key", "=", key),
    );

  it("runs a kept shape with the values of each call", async () => {
    const { db } = await open();
    await db
      .insertInto("settings")
      .values([
        { key: "a", value: "1" },
        { key: "b", value: "2" },
      ])
      .execute();
    const shapes = new CompiledShapes();
    expect(await nameOf(db, shapes, "a", ["a"])).toEqual([{ value: "1" }]);
    expect(await nameOf(db, shapes, "b", ["b"])).toEqual([{ value: "2" }]);
  });

  it("builds every time a shape whose listed values are not the ones Kysely binds", async () => {
    const { db } = await open();
    await db
      .insertInto("settings")
      .values([
        { key: "a", value: "1" },
        { key: "b", value: "2" },
      ])
      .execute();
    const shapes = new CompiledShapes();
    expect(await nameOf(db, shapes, "a", ["wrong"])).toEqual([{ value: "1" }]);
    // Kept, the SQL would run with the listed value ("a") and answer 1.
    expect(await nameOf(db, shapes, "b", ["a"])).toEqual([{ value: "2" }]);
  });

  it("runs a kept shape outside another caller's open transaction, never inside it", async () => {
    const { db } = await open();
    await db.insertInto("settings").values({ key: "a", value: "1" }).execute();
    const shapes = new CompiledShapes();
    expect(await nameOf(db, shapes, "a", ["a"])).toEqual([{ value: "1" }]);
    let duringTransaction: Promise<unknown> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("settings").values({ key: "b", value: "2" }).execute();
        duringTransaction = nameOf(db, shapes, "b", ["b"]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // Run in the transaction, it would have read the row rolled back.
    expect(await duringTransaction).toEqual([]);
  });
});
