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

package dev.pingora.samples.loadbalancer;

import java.util.ArrayList;
import java.util.List;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancerApplication}.
 */
class LoadBalancerApplicationTests {

	@Test
	void requestsAlternateBetweenTheHealthyUpstreamsAndCarryTheSampleHeader() {
		try (TestOrigin one = TestOrigin.hello("one");
				TestOrigin two = TestOrigin.hello("two");
				ConfigurableApplicationContext context = start(one, two, Ports.refused());
				RawHttpClient client = new RawHttpClient(proxyPort(context))) {
			List<String> servedBy = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				RawHttpClient.Response response = client.exchange("GET /" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
				assertThat(response.status()).isEqualTo(200);
				servedBy.add(response.text());
			}
			// Round robin over the two healthy upstreams; the dead one was never tried.
			for (int i = 1; i < servedBy.size(); i++) {
				assertThat(servedBy.get(i)).isNotEqualTo(servedBy.get(i - 1));
			}
			assertThat(one.requests()).hasSize(3);
			assertThat(two.requests()).hasSize(3);
			assertThat(one.requests())
				.allSatisfy((request) -> assertThat(request.headers().get("x-sample")).isEqualTo("load-balancer"));
			assertThat(two.requests())
				.allSatisfy((request) -> assertThat(request.headers().get("x-sample")).isEqualTo("load-balancer"));
		}
	}

	private static ConfigurableApplicationContext start(TestOrigin one, TestOrigin two, int dead) {
		return new SpringApplicationBuilder(LoadBalancerApplication.class).web(WebApplicationType.NONE)
			.run("--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
					"--sample.upstreams=127.0.0.1:" + one.port() + ",127.0.0.1:" + two.port() + ",127.0.0.1:" + dead);
	}

	private static int proxyPort(ConfigurableApplicationContext context) {
		return context.getBean(PingoraServerLifecycle.class).getServer().port();
	}

}
