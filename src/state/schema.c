/* SPDX-License-Identifier: Apache-2.0 */
#include "schema.h"

#include <stddef.h>

/* Never edit a released migration: append a new one. Times are nanoseconds since the epoch. */
static const char *const migrations[] = {
	/* 1: layers and images */
	"CREATE TABLE layers ("
	"  chain_id TEXT PRIMARY KEY,"
	"  parent TEXT,"
	"  diff_id TEXT NOT NULL,"
	"  blob_digest TEXT,"
	"  blob_media_type TEXT,"
	"  blob_size INTEGER NOT NULL DEFAULT 0,"
	"  diff_size INTEGER NOT NULL DEFAULT 0,"
	"  dir TEXT NOT NULL,"
	"  short_name TEXT NOT NULL,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE images ("
	"  id TEXT PRIMARY KEY,"
	"  digest TEXT NOT NULL,"
	"  manifest_media_type TEXT NOT NULL,"
	"  top_layer TEXT,"
	"  created INTEGER NOT NULL DEFAULT 0,"
	"  added INTEGER NOT NULL,"
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  read_only INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE image_layers ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  chain_id TEXT NOT NULL REFERENCES layers(chain_id),"
	"  PRIMARY KEY (image_id, idx)"
	");"
	"CREATE INDEX image_layers_chain ON image_layers(chain_id);"
	"CREATE TABLE image_names ("
	"  name TEXT PRIMARY KEY,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  added INTEGER NOT NULL"
	");"
	"CREATE INDEX image_names_image ON image_names(image_id);"
	"CREATE TABLE image_digests ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  repo TEXT NOT NULL,"
	"  digest TEXT NOT NULL,"
	"  PRIMARY KEY (image_id, repo, digest)"
	");"
	"CREATE TABLE blobs ("
	"  digest TEXT PRIMARY KEY,"
	"  size INTEGER NOT NULL,"
	"  media_type TEXT"
	");"
	"CREATE TABLE image_blobs ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  digest TEXT NOT NULL,"
	"  PRIMARY KEY (image_id, digest)"
	");"
	"CREATE INDEX image_blobs_digest ON image_blobs(digest);",
	/* 2: layers an unfinished pull or load relies on; holder names its work directory */
	"CREATE TABLE layer_leases ("
	"  chain_id TEXT NOT NULL,"
	"  holder TEXT NOT NULL,"
	"  PRIMARY KEY (chain_id, holder)"
	");",
	/* 3: the config's labels, so listing images needs no config reads */
	"ALTER TABLE images ADD COLUMN labels TEXT;",
};

int state_schema_count(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *state_schema_migration(int v)
{
	if (v < 0 || v >= state_schema_count())
		return NULL;
	return migrations[v];
}
