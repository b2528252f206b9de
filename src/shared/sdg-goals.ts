/**
 * The 17 UN SDGs (short titles of A/RES/70/1) and Indonesia's village SDGs (SDGs Desa,
 * Permendesa PDTT 13/2020) with its goal 18. Static: they change by law, not by users.
 */
export interface SdgGoalData {
  number: number;
  title: string;
  titleId: string;
}

export const SDG_GOALS: readonly SdgGoalData[] = [
  { number: 1, title: "No poverty", titleId: "Desa Tanpa Kemiskinan" },
  { number: 2, title: "Zero hunger", titleId: "Desa Tanpa Kelaparan" },
  { number: 3, title: "Good health and well-being", titleId: "Desa Sehat dan Sejahtera" },
  { number: 4, title: "Quality education", titleId: "Pendidikan Desa Berkualitas" },
  { number: 5, title: "Gender equality", titleId: "Keterlibatan Perempuan Desa" },
  { number: 6, title: "Clean water and sanitation", titleId: "Desa Layak Air Bersih dan Sanitasi" },
  { number: 7, title: "Affordable and clean energy", titleId: "Desa Berenergi Bersih dan Terbarukan" },
  { number: 8, title: "Decent work and economic growth", titleId: "Pertumbuhan Ekonomi Desa Merata" },
  { number: 9, title: "Industry, innovation and infrastructure", titleId: "Infrastruktur dan Inovasi Desa Sesuai Kebutuhan" },
  { number: 10, title: "Reduced inequalities", titleId: "Desa Tanpa Kesenjangan" },
  { number: 11, title: "Sustainable cities and communities", titleId: "Kawasan Permukiman Desa Aman dan Nyaman" },
  { number: 12, title: "Responsible consumption and production", titleId: "Konsumsi dan Produksi Desa Sadar Lingkungan" },
  { number: 13, title: "Climate action", titleId: "Desa Tanggap Perubahan Iklim" },
  { number: 14, title: "Life below water", titleId: "Desa Peduli Lingkungan Laut" },
  { number: 15, title: "Life on land", titleId: "Desa Peduli Lingkungan Darat" },
  { number: 16, title: "Peace, justice and strong institutions", titleId: "Desa Damai Berkeadilan" },
  { number: 17, title: "Partnerships for the goals", titleId: "Kemitraan untuk Pembangunan Desa" },
  { number: 18, title: "Dynamic village institutions and adaptive village culture", titleId: "Kelembagaan Desa Dinamis dan Budaya Desa Adaptif" },
];

const BY_NUMBER = new Map(SDG_GOALS.map((g) => [g.number, g]));

export function sdgGoal(number: number): SdgGoalData | undefined {
  return BY_NUMBER.get(number);
}
