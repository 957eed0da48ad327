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

package dev.pingora.autoconfigure;

import java.util.Objects;

import dev.pingora.server.Server;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the Pingora {@link Server} with the application context and drains it when the
 * context closes. Starting fails the context (with a failure analysis) when a listener
 * cannot bind.
 *
 * @since 0.1.0
 */
public class PingoraServerLifecycle implements SmartLifecycle {

	/**
	 * The lifecycle phase: the proxy starts after everything else and stops first, so
	 * that the application (and Actuator) stay up while it drains.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private final Server server;

	/**
	 * Create the lifecycle.
	 * @param server the server to run, not yet started
	 */
	public PingoraServerLifecycle(Server server) {
		this.server = Objects.requireNonNull(server, "server");
	}

	/**
	 * Return the server.
	 * @return the server
	 */
	public Server getServer() {
		return this.server;
	}

	@Override
	public void start() {
		this.server.start();
	}

	@Override
	public void stop() {
		this.server.shutdown();
	}

	@Override
	public void stop(Runnable callback) {
		Thread stopper = new Thread(() -> {
			try {
				this.server.shutdown();
			}
			finally {
				callback.run();
			}
		}, "pingora-shutdown");
		stopper.setDaemon(true);
		stopper.start();
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
