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

import java.util.function.Consumer;

import io.netty.channel.Channel;

/**
 * Customizes every accepted client connection once the engine set it up (the HTTP codec,
 * the engine's handlers): add a Netty handler (a wire log, say), set a channel option.
 * Declare beans of this type; they are applied in order.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DownstreamConnectionCustomizer extends Consumer<Channel> {

}
