// Puts packet-cap.ts in front of a mysql2 connection's packet parser.
//
// mysql2 has no option for a size bound; both its socket handlers (plain TCP,
// and the TLS socket it switches to) hand each chunk to
// `connection.packetParser.execute`, looked up per chunk, so a stand-in parser
// that checks the framing first sees every byte from then on. A server over
// the bound has its connection ended with the reason, which mysql2 hands to the
// command in flight (or, on an idle connection, to its 'error' listeners) and
// the pool drops the connection.
import type { Connection } from 'mysql2'
import { MysqlPacketCap } from './packet-cap'

export const PACKET_TOO_LARGE = 'EPACKETTOOLARGE'

interface ConnectionInternals {
  packetParser: { execute(chunk: Buffer): void }
  stream: { destroy(err?: Error): void }
}

export function capPackets(connection: Connection): void {
  const self = connection as unknown as ConnectionInternals
  const parser = self.packetParser
  if (!parser) return
  const cap = new MysqlPacketCap()
  let refused = false
  self.packetParser = {
    execute(chunk: Buffer) {
      if (refused) return
      const problem = cap.push(chunk)
      if (problem === null) return parser.execute(chunk)
      refused = true
      self.stream.destroy(Object.assign(new Error(problem), { code: PACKET_TOO_LARGE }))
    },
  }
}
