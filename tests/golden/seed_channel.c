// SPDX-License-Identifier: GPL-2.0
/*
 * Golden fixture for the per-file page layout.
 *
 * It declares the two functions documented on the reference page
 * seed_channel.rst beside it; their comments are written so that kdocgen
 * renders that page byte for byte.  The bodies are stubs.
 */

/**
 * vmbus_sendpacket() - Send the specified buffer on the given channel
 * @channel: Pointer to vmbus_channel structure
 * @buffer: Pointer to the buffer you want to send the data from.
 * @bufferlen: Maximum size of what the buffer holds.
 * @requestid: Identifier of the request
 * @type: Type of packet that is being sent e.g. negotiate, time
 *        packet etc.
 * @flags: 0 or VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED
 *
 * Sends data in @buffer directly to Hyper-V via the vmbus.
 * This will send the data unparsed to Hyper-V.
 *
 * Mainly used by Hyper-V drivers.
 */
int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer, u32 bufferlen,
		     u64 requestid, enum vmbus_packet_type type, u32 flags)
{
	return 0;
}

/**
 * __vmbus_recvpacket() - Retrieve the user packet on the specified channel
 * @channel: Pointer to vmbus_channel structure
 * @buffer: Pointer to the buffer you want to receive the data into.
 * @bufferlen: Maximum size of what the buffer can hold.
 * @buffer_actual_len: The actual size of the data after it was received.
 * @requestid: Identifier of the request
 * @raw: true means keep the vmpacket_descriptor header in the received data.
 *
 * Receives directly from the hyper-v vmbus and puts the data it received
 * into Buffer. This will receive the data unparsed from hyper-v.
 *
 * Mainly used by Hyper-V drivers.
 */
int __vmbus_recvpacket(struct vmbus_channel *channel, void *buffer, u32 bufferlen,
		       u32 *buffer_actual_len, u64 *requestid, bool raw)
{
	return 0;
}
