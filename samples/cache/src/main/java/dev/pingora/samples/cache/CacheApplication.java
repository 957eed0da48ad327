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

package dev.pingora.samples.cache;

import java.net.InetSocketAddress;
import java.time.Duration;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.Cacheability;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.lb.Backend;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A proxy that caches the {@code GET}s under {@code /static/} with the starter's
 * {@link CacheConfig}: a cache key that leaves out tracking parameters, a freshness of
 * ten minutes for static files the upstream gives none, and {@code PURGE} from the
 * machine itself. The upstream comes from {@code sample.upstream}.
 *
 * <p>
 * Pingora counterpart: the cache phases of {@code pingora-proxy}'s tests
 * ({@code tests/utils/server_utils.rs}).
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(CacheApplication.SampleProperties.class)
public class CacheApplication {

	public static void main(String[] args) {
		SpringApplication.run(CacheApplication.class, args);
	}

	@Bean
	StaticCachingProxy staticCachingProxy(SampleProperties properties, CacheConfig cache) {
		Backend backend = Backend.parse(properties.upstream());
		return new StaticCachingProxy(HttpPeer.of(backend.host(), backend.port()), cache);
	}

	// tag::sample[]
	/**
	 * Caches static files.
	 */
	static final class StaticCachingProxy implements ProxyHttp<StaticCachingProxy.Ctx> {

		private static final Duration STATIC_FRESHNESS = Duration.ofMinutes(10);

		private final HttpPeer upstream;

		private final CacheConfig cache;

		StaticCachingProxy(HttpPeer upstream, CacheConfig cache) {
			this.upstream = upstream;
			this.cache = cache;
		}

		@Override
		public Ctx newCtx() {
			return new Ctx();
		}

		@Override
		public Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
			return Mono.just(this.upstream);
		}

		@Override
		public void requestCacheFilter(Session session, Ctx ctx) {
			if (session.requestHeader().path().startsWith("/static/")) {
				session.cache().enable(this.cache);
			}
		}

		/**
		 * The default key without {@code utm_*} parameters: a link with campaign
		 * parameters finds the same stored file.
		 */
		@Override
		public CacheKey cacheKeyCallback(Session session, Ctx ctx) {
			RequestHeader request = session.requestHeader();
			String target = request.originForm();
			int query = target.indexOf('?');
			if (query >= 0) {
				StringBuilder kept = new StringBuilder();
				for (String parameter : target.substring(query + 1).split("&")) {
					if (!parameter.startsWith("utm_")) {
						kept.append(kept.isEmpty() ? "?" : "&").append(parameter);
					}
				}
				target = target.substring(0, query) + kept;
			}
			return CacheKey.of(request.method(), session.scheme(), request.host(), target);
		}

		/**
		 * RFC 9111 decides; a static file the upstream sent without freshness (a
		 * validator only) is fresh for ten minutes.
		 */
		@Override
		public Cacheability responseCacheFilter(Session session, ResponseHeader response, Ctx ctx) {
			Cacheability decision = ProxyHttp.super.responseCacheFilter(session, response, ctx);
			if (decision instanceof Cacheability.Cacheable cacheable && cacheable.meta().freshFor().isZero()
					&& response.header("Cache-Control") == null && response.header("Expires") == null) {
				CacheMeta meta = cacheable.meta();
				return Cacheability
					.cacheable(new CacheMeta(meta.status(), meta.headers(), meta.created(), meta.updated(),
							meta.initialAge(), STATIC_FRESHNESS, meta.staleWhileRevalidate(), meta.staleIfError()));
			}
			return decision;
		}

		@Override
		public boolean isPurge(Session session, Ctx ctx) {
			return "PURGE".equals(session.requestHeader().method().name())
					&& session.clientAddress() instanceof InetSocketAddress client && client.getAddress() != null
					&& client.getAddress().isLoopbackAddress();
		}

		static final class Ctx {

		}

	}
	// end::sample[]

	/**
	 * Properties of the sample.
	 *
	 * @param upstream address of the upstream, host:port
	 */
	@ConfigurationProperties("sample")
	record SampleProperties(String upstream) {

	}

}
