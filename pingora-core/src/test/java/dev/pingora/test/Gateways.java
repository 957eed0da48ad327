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

package dev.pingora.test;

import java.util.function.UnaryOperator;

import dev.pingora.proxy.ProxyHttp;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;

/**
 * Starts real gateways on a loopback ephemeral port.
 */
public final class Gateways {

	private Gateways() {
	}

	public static Server start(ProxyHttp<?> proxy) {
		return start(proxy, UnaryOperator.identity());
	}

	public static Server start(ProxyHttp<?> proxy, UnaryOperator<ServerConf.Builder> conf) {
		return Server.builder()
			.conf(conf.apply(ServerConf.builder().threads(2)).build())
			.listen(Listener.tcp("127.0.0.1", 0))
			.proxy(proxy)
			.build()
			.start();
	}

}
