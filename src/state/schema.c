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
	/* 4: containers and volumes. A container's settings are one JSON document (config); the
	 * columns are what listing, filtering and the lifecycle need without parsing it. */
	"CREATE TABLE containers ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  image_id TEXT NOT NULL,"
	"  image_name TEXT NOT NULL,"
	"  command TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  config TEXT NOT NULL,"
	"  labels TEXT,"
	"  pid INTEGER NOT NULL DEFAULT 0,"
	"  monitor_pid INTEGER NOT NULL DEFAULT 0,"
	"  monitor_start INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER NOT NULL DEFAULT 0,"
	"  oom_killed INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER NOT NULL DEFAULT 0,"
	"  finished_at INTEGER NOT NULL DEFAULT 0,"
	"  restart_count INTEGER NOT NULL DEFAULT 0,"
	"  stopped_by_user INTEGER NOT NULL DEFAULT 0,"
	"  health_status TEXT NOT NULL DEFAULT '',"
	"  health_failing_streak INTEGER NOT NULL DEFAULT 0,"
	"  health_log TEXT,"
	"  pod_id TEXT"
	");"
	"CREATE INDEX containers_image ON containers(image_id);"
	"CREATE TABLE volumes ("
	"  name TEXT PRIMARY KEY,"
	"  driver TEXT NOT NULL DEFAULT 'local',"
	"  mountpoint TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  labels TEXT,"
	"  options TEXT,"
	"  anonymous INTEGER NOT NULL DEFAULT 0,"
	"  needs_copy_up INTEGER NOT NULL DEFAULT 1,"
	"  uid INTEGER NOT NULL DEFAULT -1,"
	"  gid INTEGER NOT NULL DEFAULT -1"
	");"
	"CREATE TABLE container_volumes ("
	"  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
	"  volume TEXT NOT NULL REFERENCES volumes(name),"
	"  destination TEXT NOT NULL,"
	"  PRIMARY KEY (container_id, destination)"
	");"
	"CREATE INDEX container_volumes_volume ON container_volumes(volume);",
	/* 5: ps lists newest first */
	"CREATE INDEX containers_created ON containers(created);",
	/* 6: networks and pods. container_networks is a container's membership (kept while it
	 * exists); net_attachments is what a running container holds (its address, from start to
	 * stop), so counting rows finds leaks and the unique index makes allocation race-free. */
	"CREATE TABLE container_networks ("
	"  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
	"  network TEXT NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  aliases TEXT,"
	"  static_ip TEXT,"
	"  static_mac TEXT,"
	"  PRIMARY KEY (container_id, network)"
	");"
	"CREATE INDEX container_networks_network ON container_networks(network);"
	"CREATE TABLE net_attachments ("
	"  container_id TEXT NOT NULL,"
	"  network TEXT NOT NULL,"
	"  ifname TEXT NOT NULL,"
	"  ip TEXT NOT NULL,"
	"  prefix_len INTEGER NOT NULL DEFAULT 0,"
	"  gateway TEXT,"
	"  mac TEXT,"
	"  PRIMARY KEY (container_id, network)"
	");"
	"CREATE UNIQUE INDEX net_attachments_ip ON net_attachments(network, ip);"
	"CREATE TABLE pods ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL,"
	"  infra_id TEXT,"
	"  config TEXT NOT NULL,"
	"  labels TEXT"
	");"
	"CREATE INDEX containers_pod ON containers(pod_id);",
	/* 7: where each network's address allocation stopped: it goes on from there (round
	 * robin), so a freed address is not handed out again while other containers' ARP caches
	 * still hold its old MAC. */
	"CREATE TABLE net_ipam_last ("
	"  network TEXT PRIMARY KEY,"
	"  offset INTEGER NOT NULL"
	");",
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
