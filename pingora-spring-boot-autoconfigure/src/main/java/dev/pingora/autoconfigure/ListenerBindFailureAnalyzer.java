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

import dev.pingora.server.ListenerBindException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a Pingora listener that could not bind and says how to fix it.
 */
class ListenerBindFailureAnalyzer extends AbstractFailureAnalyzer<ListenerBindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
		String property = "pingora.server.listeners[" + cause.index() + "].address";
		return new FailureAnalysis(
				"The Pingora proxy could not listen on " + cause.listener() + ": " + cause.getMessage() + ".",
				"Stop the process that holds " + cause.listener() + " (ss -ltnp shows it), or set " + property
						+ " to a free address. The proxy port must also differ from server.port and "
						+ "management.server.port.",
				cause);
	}

}
