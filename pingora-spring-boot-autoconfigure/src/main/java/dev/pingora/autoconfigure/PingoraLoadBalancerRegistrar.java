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

import java.util.Map;

import dev.pingora.lb.LoadBalancer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link LoadBalancer} bean per upstream under {@code pingora.upstreams},
 * named {@code pingoraLoadBalancer.<upstream>} and qualified by the upstream's name. Each
 * is the load balancer of that upstream in the {@link PingoraUpstreams} bean named
 * {@value #UPSTREAMS_BEAN_NAME}; a replacement of that bean keeps the name.
 */
class PingoraLoadBalancerRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	/** Prefix of the load balancers' bean names. */
	static final String BEAN_NAME_PREFIX = "pingoraLoadBalancer.";

	/** Name of the {@link PingoraUpstreams} bean the load balancers come from. */
	static final String UPSTREAMS_BEAN_NAME = "pingoraUpstreams";

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (this.environment == null) {
			return;
		}
		Map<String, Object> upstreams = Binder.get(this.environment)
			.bind("pingora.upstreams", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : upstreams.keySet()) {
			String beanName = BEAN_NAME_PREFIX + name;
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			// A factory method rather than an instance supplier: plain bean metadata,
			// which
			// ahead-of-time processing can handle.
			RootBeanDefinition definition = new RootBeanDefinition(LoadBalancer.class);
			definition.setFactoryBeanName(UPSTREAMS_BEAN_NAME);
			definition.setUniqueFactoryMethodName("loadBalancer");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			// The server runs and stops the load balancer; no destroy method of its own.
			definition.setDestroyMethodNames();
			registry.registerBeanDefinition(beanName, definition);
		}
	}

}
