-- Applied by bench/peer.sh to the benchmark database only, never by the gateway: what PostGraphile
-- needs to express the gateway's queries without code.
-- region.parent_code has no foreign key (the Kemendagri list is loaded as it comes); a smart tag
-- gives PostGraphile the parent/children relation the gateway's Region type has.
-- The region scope of the lists is a table condition in graphile.config.mjs (addPgTableCondition),
-- not a function: PostgreSQL plans it into the index scan, as a PostGraphile user would have it.
COMMENT ON TABLE region IS E'@foreignKey (parent_code) references region (code)|@fieldName parent|@foreignFieldName children';
-- The role the explaining PostGraphile (bench/peer.sh, one request per pair) connects as: every
-- statement it sends is logged with its plan (auto_explain, ANALYZE, BUFFERS). The measured
-- PostGraphile connects as postgres and logs nothing.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peer_explain') THEN
    CREATE ROLE peer_explain LOGIN SUPERUSER;
  END IF;
END $$;
ALTER ROLE peer_explain SET session_preload_libraries = 'auto_explain';
ALTER ROLE peer_explain SET auto_explain.log_min_duration = 0;
ALTER ROLE peer_explain SET auto_explain.log_analyze = on;
ALTER ROLE peer_explain SET auto_explain.log_buffers = on;
-- PostGraphile V5 offers ordering only by indexed columns; a column the gateway orders a list by
-- without an index of its own is opened to ordering with the documented behavior tag.
COMMENT ON COLUMN up2k_member.joined_on IS E'@behavior +orderBy';
COMMENT ON COLUMN strategic_post.title IS E'@behavior +orderBy';
