import { describe, expect, it } from 'vitest';
import { parseFrontendRequests, parseServerStats, parseStatCsv } from '../../src/balancer/haproxy-runtime-api.js';

// Cut from a real `show stat` of HAProxy 2.6.12 (columns after the ones read here dropped).
const SHOW_STAT = [
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,-,',
  'shop,FRONTEND,,,0,1,4096,7,714,859,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,2,,,,0,7,0,0,0,0,,0,3,7,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,,',
  'replicas,replica-1,0,0,2,3,,120,174,292,,0,,0,0,0,0,UP,1,1,0,0,0,1,0,,1,3,1,,2,,2,2,,2,L7OK,200,4,0,2,0,0,0,0,0,,,2,0,0,,,,,0,,,0,1,2,2,,,,Layer7 check passed,,2,2,3,,,,127.0.0.1:40503,replica-1,http,,',
  'replicas,replica-2,0,0,0,1,,2,174,292,,0,,0,0,0,0,DRAIN,1,1,0,0,0,1,0,,1,3,2,,2,,2,2,,2,L7OK,200,23,0,2,0,0,0,0,0,,,2,0,0,,,,,0,,,0,0,2,2,,,,Layer7 check passed,,2,2,3,,,,127.0.0.1:40653,replica-2,http,,',
  'replicas,replica-3,0,0,0,1,,2,108,113,,0,,0,0,0,0,DOWN 1/2,1,1,0,0,0,1,0,,1,3,3,,2,,2,2,,2,L4CON,,0,0,2,0,0,0,0,0,,,2,0,0,,,,,0,,,0,0,2,2,,,,Layer4 connection problem,,2,2,1,,,,127.0.0.1:40700,replica-3,http,,',
  'replicas,slot-1,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT,1,1,0,0,0,1,0,,1,3,4,,0,,2,0,,0,,,,0,0,0,0,0,0,,,0,0,0,,,,,0,,,0,0,0,0,,,,,,,2,2,0,,,,127.0.0.1:1,slot-1,http,,',
  'replicas,BACKEND,0,0,2,3,409,124,714,859,0,0,,0,0,0,0,UP,2,2,0,,0,1,0,,1,3,0,,2,,1,2,,2,,,,0,7,0,0,0,0,,,,7,0,0,0,0,0,0,0,,,0,1,2,2,,,,,,,,,,,,,,http,roundrobin,,',
  '',
].join('\n');

describe('runtime API replies', () => {
  it('reads show stat rows by their header', () => {
    const rows = parseStatCsv(SHOW_STAT);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ pxname: 'shop', svname: 'FRONTEND', req_tot: '7' });
    expect('-' in rows[0]).toBe(false);
  });

  it('turns server rows into states an operator reads', () => {
    expect(parseServerStats(SHOW_STAT, 'replicas')).toEqual([
      { name: 'replica-1', address: '127.0.0.1:40503', status: 'UP', admin: 'ready', health: 'up', currentSessions: 2, totalSessions: 120, checkStatus: 'L7OK' },
      { name: 'replica-2', address: '127.0.0.1:40653', status: 'DRAIN', admin: 'drain', health: 'up', currentSessions: 0, totalSessions: 2, checkStatus: 'L7OK' },
      { name: 'replica-3', address: '127.0.0.1:40700', status: 'DOWN 1/2', admin: 'ready', health: 'down', currentSessions: 0, totalSessions: 2, checkStatus: 'L4CON' },
      { name: 'slot-1', address: '127.0.0.1:1', status: 'MAINT', admin: 'maint', health: 'unknown', currentSessions: 0, totalSessions: 0, checkStatus: '' },
    ]);
    expect(parseServerStats(SHOW_STAT, 'other')).toEqual([]);
  });

  it('reads the frontend request count', () => {
    expect(parseFrontendRequests(SHOW_STAT, 'shop')).toBe(7);
    expect(parseFrontendRequests('', 'shop')).toBeUndefined();
  });
});
