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

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A tiny origin on a loopback ephemeral port, so the sample has something to proxy to.
 */
final class DemoOrigin {

	private static final String PAGE = """
			Hello from the demo origin behind pingora-spring-boot.
			This response went through the phases of a ProxyHttp running on Reactor Netty.
			""";

	private final DisposableServer server;

	private DemoOrigin(DisposableServer server) {
		this.server = server;
	}

	static DemoOrigin start() {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/health", (request, response) -> response.sendString(Mono.just("ok\n")))
				.route((request) -> true,
						(request, response) -> response.header("Content-Type", "text/plain; charset=utf-8")
							.sendString(Mono.just(PAGE), StandardCharsets.UTF_8)))
			.bindNow();
		return new DemoOrigin(server);
	}

	int port() {
		return this.server.port();
	}

	void stop() {
		this.server.disposeNow();
	}

}
