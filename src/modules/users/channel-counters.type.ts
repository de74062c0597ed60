import type { CHANNEL_COUNTER_FIELDS } from 'src/modules/users/schemas/user.schema';

export type ChannelCounterField = (typeof CHANNEL_COUNTER_FIELDS)[number];

/** A channel's maintained figures (see ChannelCounters on the user schema). */
export type ChannelFigures = Record<ChannelCounterField, number>;

/** An atomic change to some of them: each entry is added with `$inc` (zeros are left out). */
export type ChannelDelta = Partial<ChannelFigures>;
