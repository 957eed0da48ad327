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

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;

import dev.pingora.proxy.ProxyHttp;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gateways and origins a test starts, stopped after each test in reverse order. Register
 * it with {@code @RegisterExtension}.
 */
public final class TestResources implements AfterEachCallback {

	private final Deque<AutoCloseable> resources = new ArrayDeque<>();

	/**
	 * Start a gateway on a loopback ephemeral port.
	 */
	public Server gateway(ProxyHttp<?> proxy) {
		return gateway(proxy, UnaryOperator.identity());
	}

	/**
	 * Start a gateway on a loopback ephemeral port with customized settings.
	 */
	public Server gateway(ProxyHttp<?> proxy, UnaryOperator<ServerConf.Builder> conf) {
		Server server = Gateways.start(proxy, conf);
		this.resources.push(() -> server.shutdown(Duration.ZERO));
		return server;
	}

	/**
	 * Stop something after the test.
	 */
	public <T extends AutoCloseable> T add(T resource) {
		this.resources.push(resource);
		return resource;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		Exception failure = null;
		while (!this.resources.isEmpty()) {
			try {
				this.resources.pop().close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
