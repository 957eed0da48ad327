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

package dev.pingora.http;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The hop-by-hop header fields of HTTP/1.1 (RFC 9110 §7.6.1): the fields a proxy must not
 * forward, because they describe one connection rather than the message.
 *
 * <p>
 * They are {@code Connection}, every field that {@code Connection} names,
 * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding} and
 * {@code Upgrade}. The proxy removes them in both directions and lets each connection
 * frame its own messages.
 *
 * @since 0.1.0
 */
public final class HopByHopHeaders {

	/** The hop-by-hop field names that are always removed. */
	public static final List<AsciiString> NAMES = List.of(HttpHeaderNames.CONNECTION, AsciiString.cached("keep-alive"),
			AsciiString.cached("proxy-connection"), HttpHeaderNames.TE, HttpHeaderNames.TRANSFER_ENCODING,
			HttpHeaderNames.UPGRADE);

	private HopByHopHeaders() {
	}

	/**
	 * Remove the hop-by-hop fields, including those that {@code Connection} names.
	 * @param headers the header fields to change in place
	 */
	public static void remove(HttpHeaders headers) {
		List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
		for (int i = 0; i < connection.size(); i++) {
			removeNamed(headers, connection.get(i));
		}
		for (int i = 0; i < NAMES.size(); i++) {
			headers.remove(NAMES.get(i));
		}
	}

	/**
	 * Replace the fields of {@code to} with the end-to-end fields of {@code from}: a copy
	 * without the hop-by-hop fields and without any of the extra names given.
	 * @param from the fields to copy
	 * @param to the fields to replace
	 * @param alsoRemove more field names to leave out
	 * @return {@code to}
	 */
	public static HttpHeaders copyEndToEnd(HttpHeaders from, HttpHeaders to, CharSequence... alsoRemove) {
		to.set(from);
		remove(to);
		for (CharSequence name : alsoRemove) {
			to.remove(name);
		}
		return to;
	}

	/**
	 * Whether a field name is one of the fixed hop-by-hop names.
	 * @param name the field name
	 * @return {@code true} if the field is hop-by-hop
	 */
	public static boolean isHopByHop(CharSequence name) {
		for (int i = 0; i < NAMES.size(); i++) {
			if (NAMES.get(i).contentEqualsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private static void removeNamed(HttpHeaders headers, String connectionValue) {
		int start = 0;
		int length = connectionValue.length();
		while (start < length) {
			int comma = connectionValue.indexOf(',', start);
			int end = (comma < 0) ? length : comma;
			String token = connectionValue.substring(start, end).trim();
			if (!token.isEmpty() && !"close".equalsIgnoreCase(token) && !"keep-alive".equalsIgnoreCase(token)) {
				headers.remove(token);
			}
			start = end + 1;
		}
	}

}
