import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a released migration, add a new one.
//
// The same tag rule, checked by a loop instead of subqueries. As a SQL function with subqueries it is never
// inlined and is planned again for every row written: about a third of an insert's or an update's PostgreSQL
// CPU (specs/performance.md). PL/pgSQL keeps its plans for the session. `create or replace` keeps the function's
// identity, so the CHECK that calls it stays as it is.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function task_tags_valid(tags text[], tag_keys text[]) returns boolean
    language plpgsql immutable strict as $$
    declare
      tag text;
      key text;
      previous_key text;
    begin
      if cardinality(tags) > 20 or cardinality(tag_keys) <> cardinality(tags) then
        return false;
      end if;
      foreach tag in array tags loop
        if tag is null or char_length(tag) not between 1 and 32 then
          return false;
        end if;
      end loop;
      -- Keys strictly increasing by code point: sorted and distinct.
      foreach key in array tag_keys loop
        if key is null or (previous_key is not null and key collate "C" <= previous_key collate "C") then
          return false;
        end if;
        previous_key := key;
      end loop;
      return true;
    end
    $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function task_tags_valid(tags text[], tag_keys text[]) returns boolean
    language sql immutable strict as $$
      select cardinality(tags) <= 20
        and cardinality(tag_keys) = cardinality(tags)
        and not exists (select from unnest(tags) as tag where tag is null or char_length(tag) not between 1 and 32)
        and tag_keys = array(select distinct key collate "C" from unnest(tag_keys) as key order by 1)
    $$
  `.execute(db);
}
