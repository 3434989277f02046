// PostGraphile's configuration for bench/peer.sh, written the way PostGraphile's own users write it:
// the amber preset, and the region scope as a condition on each table (`addPgTableCondition`, from
// PostGraphile's documented utilities), so that PostgreSQL plans it into the table's index scan
// together with PostGraphile's own ordering and paging. No wrapper functions, no views.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { addPgTableCondition } from "postgraphile/utils";

// The gateway's scope: the region itself and every code below it. Region codes are digits and
// dots, so "below S" is exactly the range [S. , S/) in byte order.
const inScope = (tableName) =>
  addPgTableCondition(
    { schemaName: "public", tableName },
    "inScope",
    (build) => ({
      description: "Rows of this region and of every region below it (a Kemendagri code).",
      type: build.graphql.GraphQLString,
      apply($condition, value) {
        if (value == null) return;
        const { sql } = build;
        const code = sql.fragment`${$condition.alias}.region_code`;
        $condition.where(
          sql`(${code} = ${sql.value(value)} OR (${code} >= ${sql.value(value + ".")} AND ${code} < ${sql.value(value + "/")}))`,
        );
      },
    }),
  );

/** @type {GraphileConfig.Preset} */
export default {
  extends: [PostGraphileAmberPreset],
  plugins: ["child", "ketahanan_assessment", "up2k_member", "strategic_post"].map(inScope),
};
