/**
 * The registry: the one list of service packs. An engine never imports it; the catalogue
 * (services/catalogue.ts) and the composition roots do.
 */
import type { ServiceName, ServicePack } from "./types.js";
import { PACK as haproxy } from "./haproxy/index.js";
import { PACK as mariadb } from "./mariadb/index.js";
import { PACK as memcached } from "./memcached/index.js";
import { PACK as rabbitmq } from "./rabbitmq/index.js";
import { PACK as keystone } from "./keystone/index.js";
import { PACK as glance } from "./glance/index.js";
import { PACK as ironic } from "./ironic/index.js";
import { PACK as cinder } from "./cinder/index.js";
import { PACK as placement } from "./placement/index.js";
import { PACK as nova } from "./nova/index.js";
import { PACK as neutron } from "./neutron/index.js";
import { PACK as heat } from "./heat/index.js";

export const PACKS: Readonly<Record<ServiceName, ServicePack>> = {
  haproxy,
  mariadb,
  memcached,
  rabbitmq,
  keystone,
  glance,
  ironic,
  cinder,
  placement,
  nova,
  neutron,
  heat,
};
