/*
 * Copyright 2026 the pingora-spring-boot authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.pingora.lb.selection;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;

/**
 * Ketama consistent hashing, a port of {@code pingora-ketama}'s {@code Continuum}, which
 * itself reproduces nginx's {@code hash $key consistent}.
 *
 * <p>
 * Implementation notes. Each backend of weight {@code w} puts {@code 160 * w} points on a
 * ring of unsigned 32-bit numbers: the first point is the CRC32 of
 * {@code "<host>\0<port>"} followed by four zero bytes, each next point the CRC32 of the
 * same text followed by the previous point in little-endian order. Points are sorted, and
 * of points with the same hash only the first is kept. A key maps to the first point at
 * or after its CRC32, wrapping to the start; the candidates after it are the next points
 * around the ring, so failover follows the ring as in Pingora's {@code node_iter}. IPv6
 * hosts are written in RFC 5952 form, as Rust prints them.
 */
final class Ketama implements BackendSelection {

	static final Ketama INSTANCE = new Ketama();

	/** Points per unit of weight, nginx's constant. */
	static final int POINT_MULTIPLE = 160;

	/** The largest number of points a ring may have. */
	static final long MAX_POINTS = 1L << 24;

	private Ketama() {
	}

	@Override
	public String name() {
		return "consistent";
	}

	@Override
	public Selector build(Backends backends) {
		if (backends.isEmpty()) {
			return (key) -> Collections.emptyIterator();
		}
		Continuum continuum = Continuum.of(backends.list());
		return (key) -> continuum.iterator(key);
	}

	/**
	 * The ring.
	 */
	static final class Continuum {

		private final long[] hashes;

		private final Backend[] nodes;

		private Continuum(long[] hashes, Backend[] nodes) {
			this.hashes = hashes;
			this.nodes = nodes;
		}

		static Continuum of(List<Backend> backends) {
			long total = 0;
			for (Backend backend : backends) {
				total += (long) backend.weight() * POINT_MULTIPLE;
			}
			if (total > MAX_POINTS) {
				throw new IllegalArgumentException(
						"weights: " + total + " ring points (expected: at most " + MAX_POINTS + "; lower the weights)");
			}
			// Each entry: the unsigned hash in the high 32 bits, the backend index below,
			// with the sign bit flipped so that a signed sort orders them as unsigned: by
			// hash, then by backend order.
			long[] points = new long[(int) total];
			int count = 0;
			CRC32 crc = new CRC32();
			for (int node = 0; node < backends.size(); node++) {
				Backend backend = backends.get(node);
				byte[] prefix = (hostText(backend.host()) + "\0" + backend.port()).getBytes(StandardCharsets.UTF_8);
				byte[] input = Arrays.copyOf(prefix, prefix.length + 4);
				long previous = 0;
				for (int i = 0; i < backend.weight() * POINT_MULTIPLE; i++) {
					input[prefix.length] = (byte) previous;
					input[prefix.length + 1] = (byte) (previous >>> 8);
					input[prefix.length + 2] = (byte) (previous >>> 16);
					input[prefix.length + 3] = (byte) (previous >>> 24);
					crc.reset();
					crc.update(input, 0, input.length);
					long hash = crc.getValue();
					points[count++] = ((hash << 32) | node) ^ Long.MIN_VALUE;
					previous = hash;
				}
			}
			Arrays.sort(points);
			long[] hashes = new long[points.length];
			Backend[] nodes = new Backend[points.length];
			int kept = 0;
			for (long flipped : points) {
				long point = flipped ^ Long.MIN_VALUE;
				long hash = point >>> 32;
				if (kept > 0 && hashes[kept - 1] == hash) {
					continue;
				}
				hashes[kept] = hash;
				nodes[kept] = backends.get((int) (point & 0xffffffffL));
				kept++;
			}
			return new Continuum(Arrays.copyOf(hashes, kept), Arrays.copyOf(nodes, kept));
		}

		int index(byte[] key) {
			CRC32 crc = new CRC32();
			crc.update(key, 0, key.length);
			int found = Arrays.binarySearch(this.hashes, crc.getValue());
			int index = (found >= 0) ? found : -found - 1;
			return (index == this.hashes.length) ? 0 : index;
		}

		Backend node(byte[] key) {
			return this.nodes[index(key)];
		}

		Iterator<Backend> iterator(byte[] key) {
			return new RingIterator(this.nodes, index(key));
		}

		int points() {
			return this.hashes.length;
		}

		/**
		 * Return the share of the ring each backend owns: the arcs that end at its points
		 * (a key maps to the first point at or after its hash).
		 */
		Map<Backend, Double> shares() {
			Map<Backend, Double> shares = new HashMap<>();
			double ring = 0x1p32;
			for (int i = 0; i < this.hashes.length; i++) {
				long previous = (i == 0) ? this.hashes[this.hashes.length - 1] - (1L << 32) : this.hashes[i - 1];
				shares.merge(this.nodes[i], (this.hashes[i] - previous) / ring, Double::sum);
			}
			return shares;
		}

		static String hostText(String host) {
			if (host.indexOf(':') < 0) {
				return host;
			}
			try {
				InetAddress address = InetAddress.getByName(host);
				return (address instanceof Inet6Address) ? rfc5952(address.getAddress()) : host;
			}
			catch (UnknownHostException ex) {
				return host;
			}
		}

		/**
		 * Write an IPv6 address as RFC 5952 (and Rust's {@code Ipv6Addr} display) do:
		 * lower-case hex groups without leading zeros, the longest run of two or more
		 * zero groups (the first of equal runs) as {@code ::}, and IPv4-mapped addresses
		 * as {@code ::ffff:a.b.c.d}.
		 */
		static String rfc5952(byte[] bytes) {
			int[] groups = new int[8];
			for (int i = 0; i < 8; i++) {
				groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
			}
			boolean mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
					&& groups[5] == 0xffff;
			if (mapped) {
				return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
						+ (bytes[15] & 0xff);
			}
			int bestStart = -1;
			int bestLength = 0;
			for (int i = 0; i < 8;) {
				if (groups[i] != 0) {
					i++;
					continue;
				}
				int start = i;
				while (i < 8 && groups[i] == 0) {
					i++;
				}
				if (i - start > bestLength) {
					bestStart = start;
					bestLength = i - start;
				}
			}
			if (bestLength < 2) {
				bestStart = -1;
			}
			StringBuilder text = new StringBuilder(39);
			for (int i = 0; i < 8; i++) {
				if (i == bestStart) {
					text.append("::");
					i += bestLength - 1;
					continue;
				}
				if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
					text.append(':');
				}
				text.append(Integer.toHexString(groups[i]));
			}
			return text.toString();
		}

	}

}
