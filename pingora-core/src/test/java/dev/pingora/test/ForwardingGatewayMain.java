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

import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway in a JVM of its own, for tests that constrain its heap: forwards everything
 * to {@code 127.0.0.1:<first argument>} and logs {@code PORT=<port>} once it listens.
 */
public final class ForwardingGatewayMain {

	private static final Logger logger = LoggerFactory.getLogger(ForwardingGatewayMain.class);

	private ForwardingGatewayMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		int originPort = Integer.parseInt(args[0]);
		Server server = Server.builder()
			.conf(ServerConf.builder().threads(2).build())
			.listen(Listener.tcp("127.0.0.1", 0))
			.proxy(new ForwardingProxy(originPort))
			.build()
			.start();
		logger.warn("PORT={}", server.port());
		server.awaitTermination();
	}

}
