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

package dev.pingora.server;

import java.util.Objects;

/**
 * Thrown by {@link Server#start()} when a listener cannot bind its address, typically
 * because another process holds the port.
 *
 * @since 0.1.0
 */
public class ListenerBindException extends IllegalStateException {

	private final transient Listener listener;

	private final int index;

	/**
	 * Create the exception.
	 * @param listener the listener that could not bind
	 * @param index its position among the server's listeners
	 * @param reason why, as the operating system said it
	 * @param cause the underlying exception
	 */
	public ListenerBindException(Listener listener, int index, String reason, Throwable cause) {
		super("listener " + listener + ": cannot bind (" + reason
				+ "); another process may hold the address: stop it or choose another port", cause);
		this.listener = Objects.requireNonNull(listener, "listener");
		this.index = index;
	}

	/**
	 * Return the listener that could not bind.
	 * @return the listener
	 */
	public Listener listener() {
		return this.listener;
	}

	/**
	 * Return the listener's position among the server's listeners.
	 * @return the index, from 0
	 */
	public int index() {
		return this.index;
	}

}
