/**
 * The program's own work in the demo: the gatherings of semester 4 (July to December 2021, taking
 * semesters as calendar halves from January 2020, an assumption: the news report says only that
 * September 2021 was in semester 4 of 6), their attendance sheets and the follow-ups agreed.
 *
 * Only the Training of Trainers (16-19 September 2021, Hotel Montana Senggigi, Lombok Barat, for
 * CSO leaders of NTB) is from the report. Every other gathering, every attendee and every
 * follow-up is INVENTED for the demo; the gatherings' descriptions say so.
 */
import { INVENTED_MARK } from './program.js';

export type Gender = 'FEMALE' | 'MALE' | 'NOT_STATED';

/**
 * The invented people of program.ts who are women; everyone else there is a man. Attendance
 * sheets record gender as the attendee states it, so the demo needs one for each person.
 */
export const WOMEN: ReadonlySet<string> = new Set([
  'Euis Komariah', 'Neneng Hasanah', 'Rina Marlina', 'Iis Rostika',
  'Anisa Rahmadani', 'Lilis Suryani', 'Tati Sumiati', 'Nia Kurniasih', 'Yuyun Yuningsih',
  'Enok Nurhayati', 'Siti Maryam', 'Heni Handayani', 'Dewi Lestari',
  'Dian Puspitasari', 'Sri Wahyuni', 'Endang Sulastri', 'Umi Kulsum', 'Kartini Rahayu',
  'Siti Aminah', 'Sri Mulyani', 'Nur Khasanah', 'Puji Astuti',
  'Mega Kartika', 'Rahmawati Said', 'Hasnah Baco', 'Fitriani Idris', 'Nurul Hidayah',
  'Herlina Usat', 'Sitti Rahmah', 'Maria Ului', 'Ernawati Saleh',
  'Ratna Wulandari', 'Baiq Nurul Aini', 'Baiq Rahmawati', 'Siti Nurjanah', 'Baiq Mulianah',
  'Nurhayati Amir', 'Sri Hartini', 'Rosmiati Hasan', 'Hairunnisa Rahman',
  'Indah Permatasari', 'Yuliana Safitri', 'Nurlaila Husain', 'Sumarni Yusuf', 'Wahidah Sari',
]);

export const genderOf = (name: string): Gender => (WOMEN.has(name) ? 'FEMALE' : 'MALE');

export interface GuestFact {
  name: string;
  gender: Gender;
  /** The organisation as written on the sheet; none of these has an account in the hub. */
  affiliation: string;
  position: string;
}

/**
 * The ToT's 30 CSO leaders: the nine trainees of the ToT circle (members, one per partner CSO of
 * the three NTB districts) and these 21 leaders of other NTB organisations, without accounts.
 * Names and organisations invented; 13 women, 16 men and one who did not state a gender.
 */
export const TOT_GUESTS: readonly GuestFact[] = [
  { name: 'Baiq Sri Wahyuningsih', gender: 'FEMALE', affiliation: 'Yayasan Perempuan Gumi Sasak', position: 'Direktur' },
  { name: 'Lalu Muhammad Yusran', gender: 'MALE', affiliation: 'Perkumpulan Desa Mandiri Lombok Timur', position: 'Ketua' },
  { name: 'Hj. Siti Rohani', gender: 'FEMALE', affiliation: 'Lembaga Pemberdayaan Perempuan Kepala Keluarga Mataram', position: 'Koordinator' },
  { name: 'Ahmad Fauzan', gender: 'MALE', affiliation: 'Yayasan Transparansi Anggaran NTB', position: 'Direktur' },
  { name: 'Nurul Qomariah', gender: 'FEMALE', affiliation: 'Perkumpulan Sahabat Desa Lombok Utara', position: 'Sekretaris' },
  { name: 'I Made Sudarsana', gender: 'MALE', affiliation: 'Yayasan Bina Desa Lombok Barat', position: 'Ketua' },
  { name: 'Fitri Handayani', gender: 'FEMALE', affiliation: 'Lembaga Kajian Sosial Bima', position: 'Peneliti' },
  { name: 'Muhammad Ridwan', gender: 'MALE', affiliation: 'Perkumpulan Warga Peduli Dompu', position: 'Ketua' },
  { name: 'Rahmi Aulia', gender: 'FEMALE', affiliation: 'Yayasan Anak Bangsa Sumbawa', position: 'Manajer Program' },
  { name: 'Jamaluddin Saleh', gender: 'MALE', affiliation: 'Forum Warga Kota Bima', position: 'Koordinator' },
  { name: 'Baiq Hilmiyati', gender: 'FEMALE', affiliation: 'Koalisi Perempuan Desa Lombok Tengah', position: 'Ketua' },
  { name: 'Syamsul Hadi', gender: 'MALE', affiliation: 'Lembaga Studi Pembangunan Desa Lombok Timur', position: 'Direktur' },
  { name: 'Ni Luh Putu Ariani', gender: 'FEMALE', affiliation: 'Yayasan Kesehatan Ibu dan Anak Mataram', position: 'Koordinator Lapangan' },
  { name: 'Abdul Hakim', gender: 'MALE', affiliation: 'Perkumpulan Nelayan Pesisir Sekotong', position: 'Ketua' },
  { name: 'Sumiati Ismail', gender: 'FEMALE', affiliation: 'Perkumpulan Tenun Desa Sukarara', position: 'Bendahara' },
  { name: 'Hendra Kusuma', gender: 'MALE', affiliation: 'Yayasan Lingkungan Rinjani Lestari', position: 'Direktur' },
  { name: 'Mariam Azzahra', gender: 'FEMALE', affiliation: 'Lembaga Advokasi Buruh Migran NTB', position: 'Paralegal' },
  { name: 'Zulkifli Amin', gender: 'MALE', affiliation: 'Forum Pemuda Desa Dompu', position: 'Ketua' },
  { name: 'Wulan Sari Dewi', gender: 'FEMALE', affiliation: 'Yayasan Literasi Anak Sumbawa Barat', position: 'Pendiri' },
  { name: 'Agus Salim', gender: 'MALE', affiliation: 'Perkumpulan Petani Jagung Bima', position: 'Sekretaris' },
  { name: 'Ari Wibowo', gender: 'NOT_STATED', affiliation: 'Lembaga Kajian Kebijakan Publik Mataram', position: 'Peneliti' },
];

/** Given and family names for the village people on the sheets of forums and meetings, by island. */
export const NAME_POOLS: Record<'java' | 'kalimantan' | 'ntb', { women: string[]; men: string[]; family: string[] }> = {
  java: {
    women: ['Ani', 'Wati', 'Sumarni', 'Yati', 'Nining', 'Rohmah', 'Sulastri', 'Tuti', 'Eka', 'Ratih'],
    men: ['Asep', 'Dudung', 'Karno', 'Sugeng', 'Ujang', 'Rohmat', 'Darto', 'Iwan', 'Yusuf', 'Mamat'],
    family: ['Suryana', 'Hidayat', 'Setiadi', 'Mulyadi', 'Rahayu', 'Kusuma', 'Saputra', 'Wibisono', 'Maulana', 'Hermawan'],
  },
  kalimantan: {
    women: ['Hasanah', 'Marlina', 'Rosita', 'Yuliani', 'Aisyah', 'Veronika', 'Nurbaya', 'Sarinah', 'Lusiana', 'Hamidah'],
    men: ['Jumadi', 'Lukas', 'Herman', 'Syahrani', 'Ismail', 'Petrus', 'Rusdi', 'Samsudin', 'Yakob', 'Arbain'],
    family: ['Lahang', 'Ngau', 'Saleh', 'Baco', 'Usat', 'Ajang', 'Lawing', 'Idris', 'Hamzah', 'Ding'],
  },
  ntb: {
    women: ['Baiq Aminah', 'Inaq Saerah', 'Nurmi', 'Rabiah', 'Hafsah', 'Nursyamsi', 'Halimah', 'Suharni', 'Maemunah', 'Rukiah'],
    men: ['Lalu Sahnan', 'Amaq Rusdi', 'Mahsun', 'Sahabudin', 'Hasbullah', 'Muhlis', 'Ramli', 'Burhanuddin', 'Nasrullah', 'Syukri'],
    family: ['Hamzah', 'Mustafa', 'Ilyas', 'Ahmad', 'Rahman', 'Yasin', 'Harun', 'Abbas', 'Jafar', 'Ismail'],
  },
};

export const INVENTED_SHEET =
  `Daftar hadir, nama orang dan lembaga pada kegiatan ini fiktif untuk data demo ${INVENTED_MARK}.`;

/** Other organisations taking part in circles, so that every organisation kind has a figure. */
export const EXTRA_ORGANISATIONS = [
  {
    key: 'kwt-grobogan',
    district: 'Grobogan',
    kind: 'COMMUNITY_GROUP' as const,
    name: 'Kelompok Wanita Tani Sekar Arum Sumberrejo Kidul',
    description: `Kelompok wanita tani di Desa Sumberrejo Kidul, Kabupaten Grobogan; anggota lingkar belajar bersama sejak Agustus 2021. ${INVENTED_MARK}`,
  },
  {
    key: 'pusat-kajian-sumbawa',
    district: 'Sumbawa',
    kind: 'OTHER' as const,
    name: 'Pusat Kajian Desa dan SDGs Samawa',
    description: `Pusat kajian perguruan tinggi di Sumbawa Besar yang mendampingi penyusunan data SDGs Desa. ${INVENTED_MARK}`,
  },
];
