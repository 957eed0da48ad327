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

package dev.pingora.gateway;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.DisposableBean;

/**
 * A tiny origin on a loopback port, so that the gateway has something to route to before
 * any real upstream is configured.
 */
class DemoOrigin implements DisposableBean {

	private static final String PAGE = """
			Hello from the demo origin behind pingora-gateway.
			This response went through the gateway's routing proxy (pingora.routes[0] -> upstream demo).
			Configure your own routes and upstreams in application.yml; see examples/application.yml.
			""";

	private final DisposableServer server;

	DemoOrigin(String host, int port) {
		this.server = HttpServer.create()
			.host(host)
			.port(port)
			.route((routes) -> routes.get("/health", (request, response) -> response.sendString(Mono.just("ok\n")))
				.route((request) -> true,
						(request, response) -> response.header("Content-Type", "text/plain; charset=utf-8")
							.sendString(Mono.just(PAGE), StandardCharsets.UTF_8)))
			.bindNow();
	}

	int port() {
		return this.server.port();
	}

	@Override
	public void destroy() {
		this.server.disposeNow();
	}

}
