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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes Netty leak reports fail the build: installs, before any test class loads, a leak
 * detector factory whose detectors record every report, so that
 * {@link LeakDetectionExtension} can fail the test class that leaked.
 */
public final class LeakDetection implements LauncherSessionListener {

	private static final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		install();
	}

	static synchronized void install() {
		if (!(ResourceLeakDetectorFactory.instance() instanceof RecordingFactory)) {
			ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
		}
	}

	/**
	 * Collect the garbage, let the detectors look at what was collected, and return the
	 * leaks reported since the last call.
	 */
	static List<String> collect() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			System.runFinalization();
			// Detectors report when they track a new resource, so allocate a few.
			for (int j = 0; j < 64; j++) {
				ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
				pooled.release();
				ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
				heap.release();
			}
		}
		List<String> found = new ArrayList<>();
		String leak;
		while ((leak = leaks.poll()) != null) {
			found.add(leak);
		}
		return found;
	}

	static final class RecordingFactory extends ResourceLeakDetectorFactory {

		@Override
		@SuppressWarnings("deprecation")
		public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
				long maxActive) {
			return new ResourceLeakDetector<>(resource, samplingInterval, maxActive) {

				@Override
				protected void reportTracedLeak(String resourceType, String records) {
					leaks.add(resourceType + " leak:" + records);
					super.reportTracedLeak(resourceType, records);
				}

				@Override
				protected void reportUntracedLeak(String resourceType) {
					leaks.add(resourceType + " leak (untraced)");
					super.reportUntracedLeak(resourceType);
				}

			};
		}

	}

}
