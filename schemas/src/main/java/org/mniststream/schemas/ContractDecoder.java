package org.mniststream.schemas;

/**
 * Turns value bytes into a contract record, or throws an {@link AvroDecodingException} naming the
 * dead-letter reason. {@link AvroSerde} reads single-object encoding; {@code framing.FramedSerde}
 * reads that and Confluent framing.
 */
@FunctionalInterface
public interface ContractDecoder<T> {
  T decode(byte[] bytes);
}
