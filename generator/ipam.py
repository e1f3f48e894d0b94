"""Pure address arithmetic on stdlib `ipaddress`: sizes, overlaps and aligned first-fit allocation.

Knows nothing about AKS objects or pydantic. Ranges are handled as closed integer intervals
(first, last) so that overlap tests and allocation are bisections, not pairwise scans.
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

AZURE_RESERVED_PER_SUBNET = 5  # network, gateway, 2 x Azure DNS, broadcast (NET-SIZE-001)
SMALLEST_SUBNET = 29  # /29 = 3 usable addresses
LARGEST_SUBNET = 2
BLOCK_PREFIX = 28  # static block allocation hands out /28 blocks (NET-SIZE-008)
BLOCK_SIZE = 16
IPV6_SUBNET = 64

# AKS reserves these for itself (NET-RANGE-001); Azure refuses the rest in a VNet (NET-RANGE-002).
AKS_RESERVED = ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
AZURE_REFUSED = (
    "224.0.0.0/4",
    "255.255.255.255/32",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "168.63.129.16/32",
)
SUPPORTED_POD_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


def net(value: str | Network) -> Network:
    return _parse(value) if isinstance(value, str) else value


@lru_cache(maxsize=4096)
def _parse(value: str) -> Network:
    # The planner and the rules look at the same few CIDR strings dozens of times per intent.
    return ipaddress.ip_network(value, strict=False)


def nets(values: Iterable[str | Network]) -> list[Network]:
    return [net(v) for v in values]


def usable(prefixlen: int) -> int:
    """Addresses a VM or pod can get from an IPv4 subnet of this prefix length (0 for prefixes
    longer than /29, which Azure refuses)."""
    return max(2 ** (32 - prefixlen) - AZURE_RESERVED_PER_SUBNET, 0)


def prefix_for(required: int) -> int | None:
    """The longest prefix (smallest subnet) with at least `required` usable addresses."""
    for prefixlen in range(SMALLEST_SUBNET, LARGEST_SUBNET - 1, -1):
        if usable(prefixlen) >= required:
            return prefixlen
    return None


def blocks_in(prefixlen: int) -> int:
    """/28 blocks in a subnet; the first and last hold Azure-reserved addresses (derived)."""
    return max(2 ** (BLOCK_PREFIX - prefixlen) - 2, 0) if prefixlen <= BLOCK_PREFIX else 0


def prefix_for_blocks(blocks: int) -> int | None:
    """The longest prefix whose allocatable /28 blocks number at least `blocks`."""
    for prefixlen in range(SMALLEST_SUBNET, LARGEST_SUBNET - 1, -1):
        if blocks_in(prefixlen) >= blocks:
            return prefixlen
    return None


def per_node_slash24_prefix(nodes: int) -> int:
    """Overlay and kubenet give each node a /24 of the pod CIDR: the prefix that holds `nodes`."""
    # (n - 1).bit_length() is ceil(log2(n)) in exact integer arithmetic, for any n >= 1.
    return 24 - (max(nodes, 1) - 1).bit_length()


def tenth_address(network: Network) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The DNS service IP AKS picks: the 10th address (10.0.0.10); in a tiny range the last one
    below the broadcast address. A /31 or /32 has no valid choice: its network address, which a
    rule reports."""
    return network.network_address + min(10, max(network.num_addresses - 2, 0))


def overlaps(a: Network, b: Network) -> bool:
    # Two ranges overlap when each starts before the other ends: two comparisons where
    # ipaddress's own `overlaps` makes four membership tests (the rules ask ~40 times an intent).
    # (`<` is ipaddress's own comparison; `<=` is derived from it by functools, at twice the cost.)
    return a.version == b.version and not (
        b.broadcast_address < a.network_address or a.broadcast_address < b.network_address
    )


def first_overlap(a: Network, others: Iterable[Network]) -> Network | None:
    return next((o for o in others if overlaps(a, o)), None)


def inside(a: Network, spaces: Iterable[Network]) -> bool:
    return any(a.version == s.version and a.subnet_of(s) for s in spaces)


def is_private(a: Network) -> bool:
    return any(overlaps(a, r) and a.subnet_of(r) for r in nets(SUPPORTED_POD_RANGES))


class AddressPool:
    """Free space of one IP version: the address spaces minus every taken or reserved range.

    `allocate(prefixlen)` returns the lowest aligned free block of that size (first fit), which
    makes allocation deterministic and, over aligned blocks, exhaustive.
    """

    def __init__(self, spaces: Iterable[Network], version: int = 4):
        self.version = version
        self.bits = 32 if version == 4 else 128
        self.spaces = sorted(
            (int(s.network_address), int(s.broadcast_address))
            for s in spaces
            if s.version == version
        )
        self._starts: list[int] = []
        self._ends: list[int] = []

    def take(self, network: Network) -> None:
        if network.version != self.version:
            return
        self._insert(int(network.network_address), int(network.broadcast_address))

    def take_all(self, networks: Iterable[Network]) -> None:
        for network in networks:
            self.take(network)

    def _insert(self, first: int, last: int) -> None:
        # Keep the intervals sorted and merged so that a lookup is one bisection.
        i = bisect.bisect_left(self._ends, first - 1)
        j = i
        while j < len(self._starts) and self._starts[j] <= last + 1:
            first = min(first, self._starts[j])
            last = max(last, self._ends[j])
            j += 1
        self._starts[i:j] = [first]
        self._ends[i:j] = [last]

    def is_free(self, first: int, last: int) -> bool:
        i = bisect.bisect_left(self._ends, first)
        return i == len(self._starts) or self._starts[i] > last

    def allocate(self, prefixlen: int) -> Network | None:
        if not 0 <= prefixlen <= self.bits:
            return None
        size = 1 << (self.bits - prefixlen)
        for space_first, space_last in self.spaces:
            found = self._first_fit(space_first, space_last, size)
            if found is not None:
                block = ipaddress.ip_network((found, prefixlen))
                self.take(block)
                return block
        return None

    def _first_fit(self, first: int, last: int, size: int) -> int | None:
        cursor = first
        while True:
            cursor = -(-cursor // size) * size  # align up
            end = cursor + size - 1
            if end > last:
                return None
            i = bisect.bisect_left(self._ends, cursor)
            if i == len(self._starts) or self._starts[i] > end:
                return cursor
            cursor = self._ends[i] + 1
