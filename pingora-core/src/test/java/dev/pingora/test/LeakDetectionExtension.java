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

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every
 * test class through extension auto-detection.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		List<String> leaks = LeakDetection.collect();
		if (!leaks.isEmpty()) {
			throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s) during "
					+ context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
		}
	}

}
