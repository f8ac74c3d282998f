/** The address ranges a token or tenant may be used from: IPv4 or IPv6 addresses or CIDR ranges. */
import { BlockList, isIP } from "node:net";

interface Subnet {
  network: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** The subnet `range` names (an address is its own /32 or /128), or undefined when it names none. */
function subnetOf(range: string): Subnet | undefined {
  const [network = "", bits, extra] = range.split("/");
  const version = isIP(network);
  if (version === 0 || extra !== undefined) return undefined;
  const width = version === 6 ? 128 : 32;
  if (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > width)) return undefined;
  return {
    network,
    prefix: bits === undefined ? width : Number(bits),
    family: version === 6 ? "ipv6" : "ipv4",
  };
}

/** True for an address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32. */
export function isIpRange(range: string): boolean {
  const subnet = subnetOf(range);
  if (subnet === undefined) return false;
  try {
    new BlockList().addSubnet(subnet.network, subnet.prefix, subnet.family);
    return true;
  } catch {
    return false;
  }
}

/** A BlockList of `ranges`, each already accepted by `isIpRange`. */
export function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const subnet = subnetOf(range);
    if (subnet !== undefined) list.addSubnet(subnet.network, subnet.prefix, subnet.family);
  }
  return list;
}
