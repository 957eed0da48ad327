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

package dev.pingora.routing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.pingora.http.RequestHeader;
import dev.pingora.proxy.Session;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.jspecify.annotations.Nullable;

/**
 * What a key-based selection (hash, consistent) hashes: a part of the request. Parsed
 * from the {@code pingora.upstreams.<name>.hash-key} syntax:
 * <ul>
 * <li>{@code uri}: the request target, path and query (the default);</li>
 * <li>{@code path}: the path without the query;</li>
 * <li>{@code host}: the {@code Host} header;</li>
 * <li>{@code client-ip}: the client's IP address;</li>
 * <li>{@code header:<name>}, {@code cookie:<name>}, {@code query:<name>}: a header, a
 * cookie or a query parameter.</li>
 * </ul>
 * A request without the part (no such header, say) is keyed by its client IP, so that
 * such requests still spread over backends instead of all landing on one.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface HashKey {

	/** The request target, path and query. */
	HashKey URI = named("uri", (session) -> bytes(session.requestHeader().uri(), session));

	/**
	 * Return the key of a request.
	 * @param session the request
	 * @return the key bytes
	 */
	byte[] key(Session session);

	/**
	 * Parse a hash-key specification.
	 * @param spec the specification, such as {@code uri} or {@code header:X-User}
	 * @return the hash key
	 * @throws IllegalArgumentException if the specification is not understood
	 */
	static HashKey parse(String spec) {
		Objects.requireNonNull(spec, "spec");
		String trimmed = spec.trim();
		int colon = trimmed.indexOf(':');
		String kind = ((colon < 0) ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
		String name = (colon < 0) ? "" : trimmed.substring(colon + 1).trim();
		if (colon >= 0 && name.isEmpty()) {
			throw new IllegalArgumentException("hash key: '" + spec + "' (expected: a name after '" + kind + ":')");
		}
		switch (kind) {
			case "uri":
				return URI;
			case "path":
				return named(trimmed, (session) -> bytes(session.requestHeader().path(), session));
			case "host":
				return named(trimmed, (session) -> bytes(session.requestHeader().host(), session));
			case "client-ip":
				return named(trimmed, (session) -> bytes(null, session));
			case "header":
				return named(trimmed, (session) -> bytes(session.requestHeader().header(name), session));
			case "cookie":
				return named(trimmed, (session) -> bytes(cookie(session.requestHeader(), name), session));
			case "query":
				return named(trimmed, (session) -> bytes(query(session.requestHeader(), name), session));
			default:
				throw new IllegalArgumentException("hash key: '" + spec
						+ "' (expected: uri, path, host, client-ip, header:<name>, cookie:<name> or query:<name>)");
		}
	}

	private static HashKey named(String spec, HashKey key) {
		return new HashKey() {

			@Override
			public byte[] key(Session session) {
				return key.key(session);
			}

			@Override
			public String toString() {
				return spec;
			}

		};
	}

	private static byte[] bytes(@Nullable String value, Session session) {
		if (value != null && !value.isEmpty()) {
			return value.getBytes(StandardCharsets.UTF_8);
		}
		SocketAddress client = session.clientAddress();
		if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
			return inet.getAddress().getAddress();
		}
		return new byte[0];
	}

	private static @Nullable String cookie(RequestHeader request, String name) {
		for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
			for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
				if (cookie.name().equals(name)) {
					return cookie.value();
				}
			}
		}
		return null;
	}

	private static @Nullable String query(RequestHeader request, String name) {
		String query = request.query();
		if (query == null) {
			return null;
		}
		List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

}
