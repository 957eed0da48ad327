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

package dev.pingora.samples.embedded;

import java.time.Duration;
import java.util.List;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.MemoryStorage;
import dev.pingora.error.ProxyError;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.proxy.TimingDigest;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import dev.pingora.upstream.HttpPeer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The engine started from a plain {@code main}: a gateway on port 8080 in front of one
 * upstream. With no {@code --upstream} it starts a small demo origin of its own, so that
 * {@code curl -i localhost:8080/} answers on a fresh machine.
 *
 * <pre>
 * java -jar pingora-embedded.jar [--port 8080] [--upstream host:port] [--threads N] [--quiet]
 *     [--filter-port N] [--cache-port N [--cache-off-heap]]
 * </pre>
 *
 * {@code --filter-port} also serves the same proxy behind a {@code ProxyFilter} that
 * edits one request and one response header, for {@code bench/run.sh --filter};
 * {@code --cache-port} serves it with the HTTP cache on (64 MiB of memory), for
 * {@code bench/run.sh --cache}.
 */
public final class EmbeddedGateway {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedGateway.class);

	private EmbeddedGateway() {
	}

	public static void main(String[] args) throws InterruptedException {
		Options options = Options.parse(args);
		DemoOrigin demo = null;
		HttpPeer upstream;
		if (options.upstream != null) {
			upstream = peer(options.upstream);
		}
		else {
			demo = DemoOrigin.start();
			upstream = HttpPeer.of("127.0.0.1", demo.port());
		}
		if (options.filterPort > 0) {
			startFilteredServer(options, upstream);
		}
		if (options.cachePort > 0) {
			startCachingServer(options, upstream);
		}
		// tag::server[]
		Server server = Server.builder()
			.conf(ServerConf.builder().threads(options.threads).gracePeriod(Duration.ofSeconds(10)).build())
			.listen(Listener.tcp("0.0.0.0", options.port))
			.proxy(new GatewayProxy(upstream, options.accessLog))
			.build()
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "pingora-shutdown"));
		server.awaitTermination();
		// end::server[]
		if (demo != null) {
			demo.stop();
		}
	}

	/**
	 * For bench/run.sh --filter: the same proxy behind a filter that edits one request
	 * and one response header, on another port, to measure what a user filter costs.
	 */
	private static void startFilteredServer(Options options, HttpPeer upstream) {
		ProxyFilter headers = new ProxyFilter() {

			@Override
			public Mono<Boolean> requestFilter(Session session) {
				session.requestHeader().setHeader("x-request-filter", "on");
				return Mono.just(false);
			}

			@Override
			public Mono<Void> responseFilter(Session session, ResponseHeader response) {
				response.setHeader("x-response-filter", "on");
				return Mono.empty();
			}

		};
		Server filtered = Server.builder()
			.conf(ServerConf.builder().threads(options.threads).gracePeriod(Duration.ofSeconds(10)).build())
			.listen(Listener.tcp("0.0.0.0", options.filterPort))
			.proxy(FilteredProxyHttp.of(new GatewayProxy(upstream, options.accessLog), List.of(headers)))
			.build()
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(filtered::shutdown, "pingora-shutdown-filtered"));
	}

	/**
	 * For bench/run.sh --cache: the same proxy with the HTTP cache on (enabled by a
	 * filter), on another port.
	 */
	private static void startCachingServer(Options options, HttpPeer upstream) {
		CacheConfig cache = CacheConfig
			.builder(new MemoryStorage(64 * 1024 * 1024, 8 * 1024 * 1024, options.cacheOffHeap))
			.build();
		ProxyFilter caching = new ProxyFilter() {

			@Override
			public void requestCacheFilter(Session session) {
				session.cache().enable(cache);
			}

		};
		Server cachingServer = Server.builder()
			.conf(ServerConf.builder().threads(options.threads).gracePeriod(Duration.ofSeconds(10)).build())
			.listen(Listener.tcp("0.0.0.0", options.cachePort))
			.proxy(FilteredProxyHttp.of(new GatewayProxy(upstream, options.accessLog), List.of(caching)))
			.build()
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(cachingServer::shutdown, "pingora-shutdown-caching"));
	}

	private static HttpPeer peer(String address) {
		int colon = address.lastIndexOf(':');
		if (colon < 0) {
			throw new IllegalArgumentException("--upstream: '" + address + "' (expected: host:port)");
		}
		return HttpPeer.of(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
	}

	// tag::proxy[]
	/**
	 * Sends every request to one upstream, tags responses and writes an access log line.
	 */
	static final class GatewayProxy implements ProxyHttp<GatewayProxy.Ctx> {

		private final HttpPeer upstream;

		private final boolean accessLog;

		GatewayProxy(HttpPeer upstream, boolean accessLog) {
			this.upstream = upstream;
			this.accessLog = accessLog;
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
		public Mono<Void> responseFilter(Session session, ResponseHeader response, Ctx ctx) {
			response.setHeader("x-served-by", "pingora-embedded");
			return Mono.empty();
		}

		@Override
		public Mono<Void> logging(Session session, @Nullable ProxyError error, Ctx ctx) {
			if (this.accessLog) {
				ResponseHeader response = session.responseWritten();
				TimingDigest timing = session.timing();
				logger.info("{} -> {} in {} ms{}", session.requestSummary(), (response != null) ? response.status() : 0,
						TimingDigest.between(timing.requestHeaderRead(), timing.done()).toMillis(),
						(error != null) ? " (" + error.getMessage() + ")" : "");
			}
			return Mono.empty();
		}

		static final class Ctx {

		}

	}
	// end::proxy[]

	private static final class Options {

		int port = 8080;

		@Nullable String upstream;

		int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

		boolean accessLog = true;

		int filterPort;

		int cachePort;

		boolean cacheOffHeap;

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--port" -> options.port = Integer.parseInt(value(args, ++i, "--port"));
					case "--upstream" -> options.upstream = value(args, ++i, "--upstream");
					case "--threads" -> options.threads = Integer.parseInt(value(args, ++i, "--threads"));
					case "--quiet" -> options.accessLog = false;
					case "--filter-port" -> options.filterPort = Integer.parseInt(value(args, ++i, "--filter-port"));
					case "--cache-port" -> options.cachePort = Integer.parseInt(value(args, ++i, "--cache-port"));
					case "--cache-off-heap" -> options.cacheOffHeap = true;
					default -> throw new IllegalArgumentException("unknown option: " + args[i]
							+ " (expected: --port N, --upstream host:port, --threads N, --quiet, --filter-port N, "
							+ "--cache-port N, --cache-off-heap)");
				}
			}
			return options;
		}

		private static String value(String[] args, int index, String option) {
			if (index >= args.length) {
				throw new IllegalArgumentException(option + ": missing value");
			}
			return args[index];
		}

	}

}
