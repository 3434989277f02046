-- Applied by bench/peer.sh to the benchmark database only, never by the gateway: what PostGraphile
-- needs to express the gateway's queries without code.
-- 1. region.parent_code has no foreign key (the Kemendagri list is loaded as it comes); a smart
--    tag gives PostGraphile the parent/children relation the gateway's Region type has.
COMMENT ON TABLE region IS E'@foreignKey (parent_code) references region (code)|@fieldName parent|@foreignFieldName children';
-- 2. The gateway narrows every list to the caller's region scope (the region itself and every
--    code below it). PostGraphile's conditions are equalities only, so a set-returning function
--    per list does the same filter in SQL, in the gateway's order; PostGraphile pages over it.
CREATE OR REPLACE FUNCTION children_in_scope(scope text) RETURNS SETOF child AS $$
  SELECT * FROM child WHERE region_code = scope OR (region_code >= scope || '.' AND region_code < scope || '/')
  ORDER BY id
$$ LANGUAGE sql STABLE;
CREATE OR REPLACE FUNCTION family_assessments_in_scope(scope text) RETURNS SETOF ketahanan_assessment AS $$
  SELECT * FROM ketahanan_assessment WHERE region_code = scope OR (region_code >= scope || '.' AND region_code < scope || '/')
  ORDER BY assessed_on DESC, id DESC
$$ LANGUAGE sql STABLE;
CREATE OR REPLACE FUNCTION up2k_members_in_scope(scope text) RETURNS SETOF up2k_member AS $$
  SELECT * FROM up2k_member WHERE region_code = scope OR (region_code >= scope || '.' AND region_code < scope || '/')
  ORDER BY joined_on DESC, id DESC
$$ LANGUAGE sql STABLE;
CREATE OR REPLACE FUNCTION strategic_posts_in_scope(scope text) RETURNS SETOF strategic_post AS $$
  SELECT * FROM strategic_post WHERE region_code = scope OR (region_code >= scope || '.' AND region_code < scope || '/')
  ORDER BY title, id
$$ LANGUAGE sql STABLE;
