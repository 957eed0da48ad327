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

package dev.pingora.proxy.engine;

import java.lang.reflect.Method;
import java.util.List;

import dev.pingora.proxy.BodyChunk;
import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;

/**
 * Which per-chunk phases a {@link ProxyHttp} overrides, found once by reflection when the
 * proxy is built. A body phase that is not overridden is not called at all, so a body
 * streams through without a per-chunk callback.
 */
final class Phases {

	final boolean requestBody;

	final boolean upstreamResponseBody;

	final boolean responseBody;

	private Phases(boolean requestBody, boolean upstreamResponseBody, boolean responseBody) {
		this.requestBody = requestBody;
		this.upstreamResponseBody = upstreamResponseBody;
		this.responseBody = responseBody;
	}

	static Phases of(ProxyHttp<?> proxy) {
		if (proxy instanceof FilteredProxyHttp<?> filtered) {
			// The composite overrides every phase; what matters is who inside it does.
			Phases inner = of(filtered.proxy());
			List<ProxyFilter> filters = filtered.filters();
			return new Phases(inner.requestBody || anyOverrides(filters, "requestBodyFilter"),
					inner.upstreamResponseBody || anyOverrides(filters, "upstreamResponseBodyFilter"),
					inner.responseBody || anyOverrides(filters, "responseBodyFilter"));
		}
		Class<?> type = proxy.getClass();
		return new Phases(overrides(type, "requestBodyFilter"), overrides(type, "upstreamResponseBodyFilter"),
				overrides(type, "responseBodyFilter"));
	}

	private static boolean anyOverrides(List<ProxyFilter> filters, String name) {
		for (ProxyFilter filter : filters) {
			try {
				Method method = filter.getClass().getMethod(name, Session.class, BodyChunk.class);
				if (method.getDeclaringClass() != ProxyFilter.class) {
					return true;
				}
			}
			catch (NoSuchMethodException ex) {
				return true;
			}
		}
		return false;
	}

	boolean responseBodyFilters() {
		return this.upstreamResponseBody || this.responseBody;
	}

	private static boolean overrides(Class<?> type, String name) {
		try {
			Method method = type.getMethod(name, Session.class, BodyChunk.class, Object.class);
			return method.getDeclaringClass() != ProxyHttp.class;
		}
		catch (NoSuchMethodException ex) {
			return true;
		}
	}

}
